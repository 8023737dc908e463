import { createHmac } from 'node:crypto';
import type { Database } from '@overcast/db';
import { SecretBox } from '@overcast/runtime';

/**
 * Names the credentials key without revealing it: an HMAC of a fixed text under the key.
 * A backup records it so a restore can say "wrong key" before writing anything.
 */
export function keyFingerprint(base64Key: string): string {
  return createHmac('sha256', Buffer.from(base64Key, 'base64'))
    .update('overcast backup key check')
    .digest('hex')
    .slice(0, 32);
}

export class KeyMismatchError extends Error {
  override readonly name = 'KeyMismatchError';
}

/** Every sealed secret, with the associated data it was sealed under. */
const SEALED = [
  {
    what: 'cloud credentials',
    sql: 'SELECT id, credentials AS sealed FROM clouds',
    aad: (id: string) => `cloud:${id}`,
  },
  {
    what: 'SSH key',
    sql: 'SELECT id, private_key AS sealed FROM ssh_keys',
    aad: (id: string) => `ssh-key:${id}`,
  },
  {
    what: 'notification channel secret',
    sql: 'SELECT id, secret AS sealed FROM notification_channels WHERE secret IS NOT NULL',
    aad: (id: string) => `notification_channel:${id}`,
  },
  {
    what: 'two-factor secret',
    sql: 'SELECT id, totp_secret AS sealed FROM users WHERE totp_secret IS NOT NULL',
    aad: () => 'totp',
  },
] as const;

/**
 * Opens every sealed secret with the key in settings. A backup whose secrets this key cannot
 * open would restore clouds that never poll again, so it is refused before it is written.
 */
export async function assertKeyOpensSecrets(db: Database, base64Key: string): Promise<number> {
  const box = new SecretBox(base64Key);
  let opened = 0;
  for (const kind of SEALED) {
    const { rows } = await db.pool.query<{ id: string; sealed: Buffer }>(kind.sql);
    for (const row of rows) {
      try {
        box.open(row.sealed, kind.aad(row.id));
        opened += 1;
      } catch {
        throw new KeyMismatchError(
          `The ${kind.what} ${row.id} cannot be decrypted with secrets.credentialsKey from the settings in use, ` +
            'so a backup made now could never be restored with its secrets. Run backup with the settings the api ' +
            'runs with (OVERCAST_SETTINGS_DIR, or OVERCAST_SECRETS_CREDENTIALS_KEY), or restore the key those secrets were sealed with.',
        );
      }
    }
  }
  return opened;
}
