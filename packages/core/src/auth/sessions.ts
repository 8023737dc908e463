import type { Database } from '@overcast/db';
import { dummyPasswordHash, verifyPassword } from '../passwords';
import { hashToken, randomToken } from '../tokens';
import type { AuthContext } from './context';
import { normalizeEmail } from './users';

export interface Credentials {
  email: string;
  password: string;
}

export interface VerifiedUser {
  userId: string;
  email: string;
  organizationId: string | null;
}

/**
 * Checks an email and password. Unknown emails still pay for one argon2 verification, so
 * the answer's timing does not tell which emails exist.
 */
export async function verifyCredentials(db: Database, creds: Credentials): Promise<VerifiedUser | null> {
  const email = normalizeEmail(creds.email);
  const user = await db.prisma.user.findUnique({
    where: { email },
    select: {
      id: true,
      email: true,
      passwordHash: true,
      memberships: { orderBy: { createdAt: 'asc' }, take: 1 },
    },
  });
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), creds.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, creds.password))) return null;
  return { userId: user.id, email: user.email, organizationId: user.memberships[0]?.organizationId ?? null };
}

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  sessionId: string;
  expiresAt: Date;
}

export async function createSession(
  db: Database,
  input: { userId: string; organizationId: string; ttlHours: number; ip?: string; userAgent?: string },
): Promise<NewSession> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + input.ttlHours * 3_600_000);
  const session = await db.prisma.session.create({
    data: {
      userId: input.userId,
      organizationId: input.organizationId,
      tokenHash: hashToken(token),
      expiresAt,
      ip: input.ip ?? '',
      userAgent: (input.userAgent ?? '').slice(0, 512),
    },
  });
  await db.prisma.user.update({ where: { id: input.userId }, data: { lastLoginAt: new Date() } });
  return { token, sessionId: session.id, expiresAt };
}

/** lastSeenAt is written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export async function resolveSession(db: Database, token: string): Promise<AuthContext | null> {
  const session = await db.prisma.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true, organization: true },
  });
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return null;
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId: session.organizationId, userId: session.userId } },
  });
  // Removed from the organization since logging in: the session is no longer good.
  if (!membership) return null;
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date() } });
  }
  return {
    userId: session.userId,
    email: session.user.email,
    name: session.user.name,
    organizationId: session.organizationId,
    organizationName: session.organization.name,
    organizationSlug: session.organization.slug,
    role: membership.role,
    via: 'session',
    sessionId: session.id,
  };
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.prisma.session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

/** Expired and revoked sessions are kept a week for the session list, then removed. */
export async function deleteStaleSessions(db: Database, olderThanDays = 7): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
  const { count } = await db.prisma.session.deleteMany({
    where: { OR: [{ expiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] },
  });
  return count;
}
