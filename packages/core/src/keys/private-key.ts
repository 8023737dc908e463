import type { SshKey } from '@overcast/db';
import type { SecretBox } from '@overcast/runtime';

/** What is sealed in ssh_keys.private_key: the key as given, and the passphrase that unlocks it. */
export interface StoredPrivateKey {
  privateKey: string;
  passphrase?: string;
}

/** Sealed with the key id as associated data: a blob copied to another row will not open. */
export const sealPrivateKey = (box: SecretBox, keyId: string, key: StoredPrivateKey) =>
  new Uint8Array(box.sealJson(key, `ssh-key:${keyId}`));

export const openPrivateKey = (box: SecretBox, key: Pick<SshKey, 'id' | 'privateKey'>) =>
  box.openJson<StoredPrivateKey>(key.privateKey, `ssh-key:${key.id}`);
