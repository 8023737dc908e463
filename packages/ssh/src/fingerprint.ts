import { createHash } from 'node:crypto';
import { SshError } from './errors';

/**
 * Accepts a raw public key blob (as the server sends it) or an `authorized_keys` / `.pub` line
 * ("ssh-ed25519 AAAA... comment") and returns the blob.
 */
export function publicKeyBlob(key: Buffer | string): Buffer {
  if (Buffer.isBuffer(key)) return key;
  const fields = key.trim().split(/\s+/);
  // The base64 field follows the algorithm name; options before it (authorized_keys) are skipped.
  const b64 = fields.find((f, i) => i > 0 && /^AAAA[A-Za-z0-9+/]+=*$/.test(f)) ?? fields[0] ?? '';
  if (!/^AAAA[A-Za-z0-9+/]+=*$/.test(b64)) {
    throw new SshError(
      'key',
      'This is not an OpenSSH public key (expected "ssh-ed25519 AAAA..." or similar).',
    );
  }
  return Buffer.from(b64, 'base64');
}

/** The key algorithm named inside a public key blob ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"). */
export function keyAlgorithmOf(key: Buffer | string): string {
  const blob = publicKeyBlob(key);
  if (blob.length < 4) throw new SshError('key', 'The public key is truncated.');
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4 || len > 64) throw new SshError('key', 'The public key is malformed.');
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the blob's SHA-256, as `ssh-keygen -lf` prints. */
export function fingerprintOf(key: Buffer | string): string {
  const digest = createHash('sha256').update(publicKeyBlob(key)).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * Brings a user-supplied fingerprint to the canonical form: `SHA256:` prefix (any case, or missing)
 * and no base64 padding. Anything else is refused so a typo never turns into "accept any key".
 */
export function normalizeFingerprint(value: string): string {
  const trimmed = value.trim();
  const body = trimmed.replace(/^sha256:/i, '').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) {
    throw new SshError(
      'invalid',
      `'${trimmed}' is not a SHA256 host key fingerprint. Expected the form ssh-keygen -lf prints, e.g. SHA256:ZxB3...`,
    );
  }
  return `SHA256:${body}`;
}
