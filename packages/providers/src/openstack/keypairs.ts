// Nova key pairs belong to the user: a public key already uploaded (under any name) is reused,
// otherwise it is imported under the name given, or that name plus the key's fingerprint when
// the name is taken by another key.

import { ProviderError } from '@overcast/contracts';
import { fingerprintOf } from '../digitalocean/ssh-key';
import type { OpenStackClient } from './client';

interface WireKeypair {
  name?: string;
  public_key?: string;
}

const blobOf = (line: string | undefined) => line?.trim().split(/\s+/)[1] ?? '';

/** Nova accepts letters, digits, spaces, '.', '_', '-' and '@' in a key pair's name. */
const safeName = (name: string) => name.replace(/[^A-Za-z0-9 ._@-]/g, '-').slice(0, 200) || 'overcast';

export async function ensureKeypair(
  client: OpenStackClient,
  key: { name: string; publicKey: string },
): Promise<string> {
  const fingerprint = fingerprintOf(key.publicKey);
  const blob = blobOf(key.publicKey);
  const existing = async () => {
    const answer = await client.request<{ keypairs?: Array<{ keypair?: WireKeypair }> }>(
      'compute',
      'GET',
      '/os-keypairs',
    );
    return (
      (answer?.keypairs ?? []).map((k) => k.keypair).find((k) => blobOf(k?.public_key) === blob)?.name ?? null
    );
  };
  const found = await existing();
  if (found) return found;
  const names = [safeName(key.name), safeName(`${key.name}-${fingerprint.replace(/:/g, '').slice(0, 12)}`)];
  for (const name of names) {
    try {
      await client.request('compute', 'POST', '/os-keypairs', {
        body: { keypair: { name, public_key: key.publicKey.trim() } },
      });
      return name;
    } catch (err) {
      if (!(err instanceof ProviderError && err.kind === 'conflict')) throw err;
      // Imported meanwhile by another create: use it.
      const raced = await existing();
      if (raced) return raced;
    }
  }
  throw new ProviderError(
    'conflict',
    `Key pairs named '${names.join("' and '")}' hold other keys; rename the key.`,
  );
}
