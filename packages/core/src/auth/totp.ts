import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from '@overcast/db';
import { type Actor, recordAudit } from '../audit';
import { DomainError } from '../errors';
import type { SecretsRuntime } from '../runtime';
import { hashToken, safeEqual } from '../tokens';
import type { AttemptLimiter } from './attempts';
import { checkPassword } from './password';

const STEP_SECONDS = 30;
const DIGITS = 6;
const RECOVERY_CODES = 10;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Sealed secrets name their purpose, so one cannot be swapped in for another. */
const AAD = 'totp';

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = B32.indexOf(ch);
    if (i === -1) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits): the code for the step containing `at`. */
export function totpCode(secret: Buffer, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / STEP_SECONDS)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 15;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return n.toString().padStart(DIGITS, '0');
}

/**
 * The time step a code belongs to: the current one or one either side, for clock drift; compared in
 * constant time. Null when the code matches none.
 */
export function totpStep(secret: Buffer, code: string, at = Date.now()): number | null {
  const clean = code.replace(/\s+/g, '');
  const now = Math.floor(at / 1000 / STEP_SECONDS);
  let matched: number | null = null;
  for (const step of [now - 1, now, now + 1])
    if (safeEqual(totpCode(secret, step * STEP_SECONDS * 1000), clean)) matched = step;
  return matched;
}

/**
 * Spends a code's time step: each step logs in once, and never one older than the last used, so an
 * overheard code cannot be replayed while it is still current.
 */
async function claimTotpStep(db: Database, userId: string, step: number): Promise<boolean> {
  const claimed = await db.pool.query(
    `UPDATE users SET totp_last_step = $2
     WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
    [userId, step],
  );
  return claimed.rowCount === 1;
}

const normalizeRecovery = (code: string) => code.replace(/[\s-]+/g, '').toLowerCase();

/** Starts enrolment: a new secret, sealed at rest, not yet enabled until a code confirms it. */
export async function beginTotpEnrolment(
  runtime: SecretsRuntime,
  user: { userId: string; email: string },
  issuer = 'Overcast',
): Promise<{ secret: string; otpauthUrl: string }> {
  const { db, box } = runtime;
  const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } });
  if (row.totpEnabled) {
    throw new DomainError(
      'conflict',
      'totp_enabled',
      'Two-factor login is already on; turn it off first to enrol again.',
    );
  }
  const secret = randomBytes(20);
  await db.prisma.user.update({
    where: { id: user.userId },
    data: { totpSecret: new Uint8Array(box.seal(secret, AAD)) },
  });
  const b32 = base32Encode(secret);
  const label = encodeURIComponent(`${issuer}:${user.email}`);
  return {
    secret: b32,
    otpauthUrl: `otpauth://totp/${label}?secret=${b32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`,
  };
}

/** Confirms enrolment with a code from the app; returns recovery codes, shown once. */
export async function confirmTotpEnrolment(
  runtime: SecretsRuntime,
  actor: Actor & { userId: string },
  code: string,
): Promise<string[]> {
  const { db, box } = runtime;
  const row = await db.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (row.totpEnabled) throw new DomainError('conflict', 'totp_enabled', 'Two-factor login is already on.');
  if (!row.totpSecret) {
    throw new DomainError(
      'conflict',
      'totp_not_started',
      'Start enrolment first: it gives you the QR code to scan.',
    );
  }
  const step = totpStep(box.open(row.totpSecret, AAD), code);
  if (step === null || !(await claimTotpStep(db, actor.userId, step))) {
    throw new DomainError(
      'invalid',
      'invalid_code',
      'That code is not right; check the clock of your device and try the current code.',
    );
  }
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await db.prisma.user.update({
    where: { id: actor.userId },
    data: { totpEnabled: true, recoveryCodeHashes: codes.map((c) => hashToken(normalizeRecovery(c))) },
  });
  await recordAudit(db, actor, {
    action: 'auth.totp_enable',
    resourceKind: 'user',
    resourceId: actor.userId,
  });
  return codes;
}

/** Turns two-factor off; the account password proves it is the owner asking. */
export async function disableTotp(
  db: Database,
  attempts: AttemptLimiter,
  actor: Actor & { userId: string },
  password: string,
): Promise<void> {
  const row = await db.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!(await checkPassword(attempts, row, password))) {
    throw new DomainError('forbidden', 'invalid_credentials', 'Wrong password; two-factor login stays on.');
  }
  await db.prisma.user.update({
    where: { id: actor.userId },
    data: { totpEnabled: false, totpSecret: null, totpLastStep: null, recoveryCodeHashes: [] },
  });
  await recordAudit(db, actor, {
    action: 'auth.totp_disable',
    resourceKind: 'user',
    resourceId: actor.userId,
  });
}

/**
 * The second factor at login: a current TOTP code not used before, or an unused recovery code (which
 * is then spent). Users without two-factor pass. Wrong codes back the account off, from any address.
 */
export async function checkSecondFactor(
  runtime: SecretsRuntime,
  attempts: AttemptLimiter,
  userId: string,
  code: string | undefined,
): Promise<'ok' | 'required' | 'wrong'> {
  const { db, box } = runtime;
  const row = await db.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (!row.totpEnabled || !row.totpSecret) return 'ok';
  if (!code) return 'required';
  const secret = row.totpSecret;
  const right = await attempts.guess(
    `second-factor:${userId}`,
    async () => {
      if (/^\s*\d{6}\s*$/.test(code)) {
        const step = totpStep(box.open(secret, AAD), code);
        return step !== null && (await claimTotpStep(db, userId, step));
      }
      // Spend the code atomically: only the request that removes it gets in.
      const spent = await db.pool.query(
        `UPDATE users SET recovery_code_hashes = array_remove(recovery_code_hashes, $2)
         WHERE id = $1 AND $2 = ANY(recovery_code_hashes)`,
        [userId, hashToken(normalizeRecovery(code))],
      );
      return spent.rowCount === 1;
    },
    (ok) => ok,
  );
  return right ? 'ok' : 'wrong';
}
