import type { Database } from '@overcast/db';
import { parsePolicies, policiesSubquery } from '../authz/policy';
import { dummyPasswordHash } from '../passwords';
import { hashToken, randomToken } from '../tokens';
import type { AttemptLimiter } from './attempts';
import type { AuthContext } from './context';
import { checkPassword } from './password';
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
 * Checks an email and password under the account's backoff. Unknown emails still pay for one argon2
 * verification and back off alike, so neither timing nor a 429 tells which emails exist.
 */
export async function verifyCredentials(
  db: Database,
  attempts: AttemptLimiter,
  creds: Credentials,
): Promise<VerifiedUser | null> {
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
  const passwordHash = user?.passwordHash ?? (await dummyPasswordHash());
  const right = await checkPassword(attempts, { email, passwordHash }, creds.password);
  if (!user || !right) return null;
  return { userId: user.id, email: user.email, organizationId: user.memberships[0]?.organizationId ?? null };
}

/** The user and first organization behind an email, to file a failed login where its admins see it. */
export async function accountOfEmail(
  db: Database,
  email: string,
): Promise<{ userId: string; organizationId: string | null } | null> {
  const user = await db.prisma.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  return user ? { userId: user.id, organizationId: user.memberships[0]?.organizationId ?? null } : null;
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

interface SessionRow {
  id: string;
  user_id: string;
  organization_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date;
  email: string;
  name: string;
  org_name: string;
  org_slug: string;
  role: AuthContext['role'] | null;
  policies: unknown;
  totp_enabled: boolean;
}

/**
 * The session behind a cookie token, with its user, organization and role, in one query:
 * it runs on every request. A user removed from the organization loses the session.
 */
export async function resolveSession(db: Database, token: string): Promise<AuthContext | null> {
  const { rows } = await db.pool.query<SessionRow>(
    `SELECT s.id, s.user_id, s.organization_id, s.expires_at, s.revoked_at, s.last_seen_at,
            u.email, u.name, u.totp_enabled, o.name AS org_name, o.slug AS org_slug, m.role,
            ${policiesSubquery('s.user_id', 's.organization_id')} AS policies
     FROM sessions s
     JOIN users u ON u.id = s.user_id
     JOIN organizations o ON o.id = s.organization_id
     LEFT JOIN memberships m ON m.organization_id = s.organization_id AND m.user_id = s.user_id
     WHERE s.token_hash = $1`,
    [hashToken(token)],
  );
  const session = rows[0];
  if (!session || session.revoked_at || session.expires_at.getTime() <= Date.now() || !session.role)
    return null;
  if (Date.now() - session.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db.pool.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [session.id]);
  }
  return {
    userId: session.user_id,
    email: session.email,
    name: session.name,
    organizationId: session.organization_id,
    organizationName: session.org_name,
    organizationSlug: session.org_slug,
    role: session.role,
    policies: parsePolicies(session.policies),
    totpEnabled: session.totp_enabled,
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
