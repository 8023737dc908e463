import { createHash } from 'node:crypto';
import { ProviderError } from '@overcast/contracts';
import type { DoClient } from './client';

/** DigitalOcean names keys by the MD5 fingerprint of the key blob, as colon-separated hex. */
export function fingerprintOf(publicKey: string): string {
  const body = publicKey.trim().split(/\s+/)[1];
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw new ProviderError('invalid', "SSH public key must look like 'ssh-ed25519 AAAA... [comment]'");
  }
  const hex = createHash('md5').update(Buffer.from(body, 'base64')).digest('hex');
  return hex.match(/../g)!.join(':');
}

/**
 * Returns the account's id for this public key, uploading it first when the account does not
 * have it yet. A lookup by fingerprint avoids paging through every key on the account.
 */
export async function ensureAccountKey(
  client: DoClient,
  key: { name: string; publicKey: string },
): Promise<number> {
  const fingerprint = fingerprintOf(key.publicKey);
  const existing = async (): Promise<number | null> => {
    try {
      const found = await client.get((api) => api.sshKey.getSshKey({ ssh_key_id: fingerprint }));
      return typeof found?.ssh_key?.id === 'number' ? found.ssh_key.id : null;
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'not-found') return null;
      throw err;
    }
  };
  const id = await existing();
  if (id !== null) return id;
  try {
    const created = await client.post((api) =>
      api.sshKey.createSshKey({ name: key.name, public_key: key.publicKey.trim() }),
    );
    if (typeof created?.ssh_key?.id !== 'number') {
      throw new ProviderError('unavailable', 'DigitalOcean answered without the new SSH key');
    }
    return created.ssh_key.id;
  } catch (err) {
    // Another request uploaded the same key meanwhile: use that one.
    if (err instanceof ProviderError && err.kind === 'conflict') {
      const raced = await existing();
      if (raced !== null) return raced;
    }
    throw err;
  }
}
