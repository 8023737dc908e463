import type { Database, TokenScope } from '@overcast/db';
import { parsePolicies, policiesSubquery } from '../authz/policy';
import { DomainError } from '../errors';
import { hashToken, newApiToken } from '../tokens';
import type { AuthContext } from './context';

export interface CreatedApiToken {
  id: string;
  /** Shown once; only its hash is stored. */
  token: string;
  prefix: string;
}

export async function createApiToken(
  db: Database,
  input: {
    /** null: the token works in every organization the user belongs to. */
    organizationId: string | null;
    userId: string;
    name: string;
    scope: TokenScope;
    expiresAt?: Date | null;
  },
): Promise<CreatedApiToken> {
  const { token, prefix, hash } = newApiToken();
  const row = await db.prisma.apiToken.create({
    data: {
      organizationId: input.organizationId,
      userId: input.userId,
      name: input.name,
      scope: input.scope,
      prefix,
      tokenHash: hash,
      expiresAt: input.expiresAt ?? null,
    },
  });
  return { id: row.id, token, prefix };
}

const TOUCH_INTERVAL_MS = 60_000;

/** The header an all-organization token's request names its organization in (id or slug). */
export const ORGANIZATION_HEADER = 'x-overcast-organization';
const HEADER_NAME = 'X-Overcast-Organization';

interface TokenRow {
  id: string;
  user_id: string;
  token_org: string | null;
  organization_id: string | null;
  memberships: number;
  scope: TokenScope;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  email: string;
  name: string;
  org_name: string;
  org_slug: string;
  role: AuthContext['role'] | null;
  policies: unknown;
  totp_enabled: boolean;
}

/**
 * The API token's owner, organization and role in one query; last use is recorded at most once a
 * minute. A token limited to one organization works there only; an all-organization token works in
 * the one `organization` (id or slug, from ORGANIZATION_HEADER) names, which may be left out when
 * its user belongs to just one.
 */
export async function resolveApiToken(
  db: Database,
  token: string,
  ip: string,
  organization?: string,
): Promise<AuthContext | null> {
  const named = organization?.trim() || null;
  if (named && named.length > 100) {
    throw new DomainError('invalid', 'invalid_organization', `The ${HEADER_NAME} header is too long.`);
  }
  const { rows } = await db.pool.query<TokenRow>(
    `SELECT t.id, t.user_id, t.organization_id AS token_org, o.id AS organization_id, t.scope, t.expires_at,
            t.revoked_at, t.last_used_at, t.last_used_ip, u.email, u.name, u.totp_enabled,
            o.name AS org_name, o.slug AS org_slug, m.role,
            (SELECT count(*)::int FROM memberships x WHERE x.user_id = t.user_id) AS memberships,
            ${policiesSubquery('t.user_id', 'o.id')} AS policies
     FROM api_tokens t
     JOIN users u ON u.id = t.user_id
     LEFT JOIN organizations o ON o.id = coalesce(t.organization_id, (
       SELECT x.organization_id FROM memberships x JOIN organizations y ON y.id = x.organization_id
       WHERE x.user_id = t.user_id AND ($2::text IS NULL OR y.id::text = $2 OR y.slug = $2)
       ORDER BY x.organization_id LIMIT 1))
     LEFT JOIN memberships m ON m.organization_id = o.id AND m.user_id = t.user_id
     WHERE t.token_hash = $1`,
    [hashToken(token), named],
  );
  const row = rows[0];
  if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return null;
  if (row.token_org && named && named !== row.token_org && named !== row.org_slug) {
    throw new DomainError(
      'forbidden',
      'token_organization',
      `This API token works only in ${row.org_slug}; leave out the ${HEADER_NAME} header, or use a token made for all your organizations.`,
    );
  }
  if (!row.token_org && !named && row.memberships > 1) {
    throw new DomainError(
      'invalid',
      'organization_required',
      `This API token works in all ${row.memberships} of your organizations; name one in the ${HEADER_NAME} header (its id or slug).`,
    );
  }
  if (!row.token_org && named && !row.role) {
    throw new DomainError(
      'forbidden',
      'not_a_member',
      `You do not belong to an organization "${named}"; its id or slug is on the Organization page.`,
    );
  }
  if (!row.role || !row.organization_id) return null;
  if (
    !row.last_used_at ||
    Date.now() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS ||
    row.last_used_ip !== ip
  ) {
    await db.pool.query('UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2 WHERE id = $1', [
      row.id,
      ip,
    ]);
  }
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    organizationId: row.organization_id,
    organizationName: row.org_name,
    organizationSlug: row.org_slug,
    role: row.role,
    policies: parsePolicies(row.policies),
    totpEnabled: row.totp_enabled,
    via: 'token',
    tokenId: row.id,
    tokenScope: row.scope,
  };
}
