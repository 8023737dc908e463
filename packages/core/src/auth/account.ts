import type { ApiTokenView, SessionView } from '@overcast/contracts';
import type { ApiToken, Database } from '@overcast/db';
import { type Actor, recordAudit } from '../audit';
import { DomainError, notFound } from '../errors';

type UserActor = Actor & { userId: string; organizationId: string };

export const apiTokenView = (t: ApiToken): ApiTokenView => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scope: t.scope,
  organizationId: t.organizationId,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  lastUsedIp: t.lastUsedIp,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
});

/** The caller's own tokens, in every organization, newest first. */
export async function listApiTokens(db: Database, userId: string): Promise<ApiTokenView[]> {
  const rows = await db.prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
  return rows.map(apiTokenView);
}

export async function revokeApiToken(db: Database, actor: UserActor, id: string): Promise<void> {
  const token = await db.prisma.apiToken.findFirst({ where: { id, userId: actor.userId } });
  if (!token) throw notFound('API token');
  if (!token.revokedAt) await db.prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordAudit(
    db,
    { ...actor, organizationId: token.organizationId ?? actor.organizationId },
    {
      action: 'token.revoke',
      resourceKind: 'api_token',
      resourceId: id,
    },
  );
}

/** The caller's live sessions, across organizations, most recently used first. */
export async function listSessions(db: Database, userId: string, currentId?: string): Promise<SessionView[]> {
  const rows = await db.prisma.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: 'desc' },
  });
  return rows.map((s) => ({
    id: s.id,
    organizationId: s.organizationId,
    ip: s.ip,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    current: s.id === currentId,
  }));
}

export async function revokeUserSession(db: Database, actor: UserActor, id: string): Promise<void> {
  const { count } = await db.prisma.session.updateMany({
    where: { id, userId: actor.userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound('Session');
  await recordAudit(db, actor, { action: 'auth.session_revoke', resourceKind: 'session', resourceId: id });
}

/** "Log out everywhere": every session of the user ends, this one included. */
export async function revokeAllSessions(db: Database, actor: UserActor): Promise<number> {
  const { count } = await db.prisma.session.updateMany({
    where: { userId: actor.userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await recordAudit(db, actor, {
    action: 'auth.logout_everywhere',
    resourceKind: 'user',
    resourceId: actor.userId,
    details: { sessions: count },
  });
  return count;
}

/** Changes the user's own display name; a blank one is allowed (the email is shown instead). */
export async function updateProfile(
  db: Database,
  actor: UserActor,
  input: { name: string },
): Promise<string> {
  const name = input.name.trim();
  if (/\p{Cc}/u.test(name)) {
    throw new DomainError('invalid', 'invalid_name', 'The name may not contain control characters.');
  }
  await db.prisma.user.update({ where: { id: actor.userId }, data: { name } });
  await recordAudit(db, actor, {
    action: 'user.update',
    resourceKind: 'user',
    resourceId: actor.userId,
    details: { name },
  });
  return name;
}
