import type { Database } from '@overcast/db';
import { type Actor, recordAudit } from '../audit';
import { DomainError } from '../errors';
import { hashPassword, passwordProblem, verifyPassword } from '../passwords';
import type { AttemptLimiter } from './attempts';
import { normalizeEmail } from './users';

/** Every check of an account's password (login, changing it, turning off 2FA) shares one backoff. */
export const passwordAttemptKey = (email: string) => `password:${normalizeEmail(email)}`;

/** Checks a user's password under their account's backoff. */
export function checkPassword(
  attempts: AttemptLimiter,
  user: { email: string; passwordHash: string },
  password: string,
): Promise<boolean> {
  return attempts.guess(
    passwordAttemptKey(user.email),
    () => verifyPassword(user.passwordHash, password),
    (ok) => ok,
  );
}

function acceptable(password: string, minLength: number): void {
  const problem = passwordProblem(password, minLength);
  if (problem) throw new DomainError('invalid', 'weak_password', problem);
}

/**
 * Changes one's own password. The current one proves it is the owner asking; every other session of
 * theirs ends (API tokens stay: they are revoked one by one). Returns how many sessions ended.
 */
export async function changePassword(
  db: Database,
  attempts: AttemptLimiter,
  actor: Actor & { userId: string; sessionId?: string },
  input: { currentPassword: string; newPassword: string; minLength: number },
): Promise<number> {
  const user = await db.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!(await checkPassword(attempts, user, input.currentPassword))) {
    throw new DomainError(
      'forbidden',
      'invalid_credentials',
      'Your current password is not right; your password is unchanged.',
    );
  }
  acceptable(input.newPassword, input.minLength);
  if (input.newPassword === input.currentPassword) {
    throw new DomainError(
      'invalid',
      'same_password',
      'The new password is your current one; choose another.',
    );
  }
  const ended = await replacePassword(db, actor.userId, input.newPassword, actor.sessionId);
  await recordAudit(db, actor, {
    action: 'auth.password_change',
    resourceKind: 'user',
    resourceId: actor.userId,
    details: { endedSessions: ended },
  });
  return ended;
}

/**
 * Sets the password of the account behind an email, as an administrator on the server does
 * (`bin/passwd`): every session of the account ends. Recorded in each of its organizations.
 */
export async function resetPassword(
  db: Database,
  input: { email: string; password: string; minLength: number },
): Promise<{ userId: string; email: string; endedSessions: number }> {
  const email = normalizeEmail(input.email);
  const user = await db.prisma.user.findUnique({ where: { email }, include: { memberships: true } });
  if (!user) throw new DomainError('not_found', 'user_not_found', `No user has the email ${email}.`);
  acceptable(input.password, input.minLength);
  const ended = await replacePassword(db, user.id, input.password);
  for (const m of user.memberships) {
    await recordAudit(
      db,
      { organizationId: m.organizationId, label: 'passwd' },
      {
        action: 'auth.password_reset',
        resourceKind: 'user',
        resourceId: user.id,
        details: { email, endedSessions: ended },
      },
    );
  }
  return { userId: user.id, email, endedSessions: ended };
}

/** Stores the new hash and ends the user's sessions but `keep`, together. */
async function replacePassword(db: Database, userId: string, password: string, keep?: string) {
  const passwordHash = await hashPassword(password);
  return db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    const { count } = await tx.session.updateMany({
      where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
      data: { revokedAt: new Date() },
    });
    return count;
  });
}
