import { createHash } from 'node:crypto';

const KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-ed25519',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

/**
 * Parses an OpenSSH public key line ("type base64 [comment]"). The blob must carry the same
 * type name it is labelled with, which is what DigitalOcean checks before accepting a key.
 */
export function parsePublicKey(line: unknown): { type: string; blob: Buffer } | null {
  if (typeof line !== 'string') return null;
  const [type, body] = line.trim().split(/\s+/);
  if (!type || !body || !KEY_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const blob = Buffer.from(body, 'base64');
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len !== type.length || blob.subarray(4, 4 + len).toString('latin1') !== type) return null;
  return { type, blob };
}

/** DigitalOcean identifies keys by the legacy MD5 fingerprint, colon-separated hex. */
export function md5Fingerprint(blob: Buffer): string {
  const hex = createHash('md5').update(blob).digest('hex');
  return hex.match(/../g)!.join(':');
}
