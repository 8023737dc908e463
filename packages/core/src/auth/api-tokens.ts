import type { Database, TokenScope } from '@overcast/db';
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

export async function resolveApiToken(db: Database, token: string, ip: string): Promise<AuthContext | null> {
  const row = await db.prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true, organization: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId: row.organizationId, userId: row.userId } },
  });
  if (!membership) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS || row.lastUsedIp !== ip) {
    await db.prisma.apiToken.update({
      where: { id: row.id },
      data: { lastUsedAt: new Date(), lastUsedIp: ip },
    });
  }
  return {
    userId: row.userId,
    email: row.user.email,
    name: row.user.name,
    organizationId: row.organizationId,
    organizationName: row.organization.name,
    organizationSlug: row.organization.slug,
    role: membership.role,
    via: 'token',
    tokenId: row.id,
    tokenScope: row.scope,
  };
}
