import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API tokens start with this, so leaked ones are easy to recognise and scan for. */
export const API_TOKEN_PREFIX = 'oc_';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are high-entropy, so a plain SHA-256 is the right storage hash (no salt/argon2 needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  return { token, prefix: token.slice(0, API_TOKEN_PREFIX.length + 6), hash: hashToken(token) };
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
