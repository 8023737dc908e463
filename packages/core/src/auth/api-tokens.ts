import type { Database, TokenScope } from '@overcast/db';
import { parsePolicies, policiesSubquery } from '../authz/policy';
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
  input: { organizationId: string; userId: string; name: string; scope: TokenScope; expiresAt?: Date | null },
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

interface TokenRow {
  id: string;
  user_id: string;
  organization_id: string;
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

/** The API token's owner, organization and role in one query; last use is recorded at most once a minute. */
export async function resolveApiToken(db: Database, token: string, ip: string): Promise<AuthContext | null> {
  const { rows } = await db.pool.query<TokenRow>(
    `SELECT t.id, t.user_id, t.organization_id, t.scope, t.expires_at, t.revoked_at, t.last_used_at, t.last_used_ip,
            u.email, u.name, u.totp_enabled, o.name AS org_name, o.slug AS org_slug, m.role,
            ${policiesSubquery('t.user_id', 't.organization_id')} AS policies
     FROM api_tokens t
     JOIN users u ON u.id = t.user_id
     JOIN organizations o ON o.id = t.organization_id
     LEFT JOIN memberships m ON m.organization_id = t.organization_id AND m.user_id = t.user_id
     WHERE t.token_hash = $1`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now()) || !row.role)
    return null;
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
