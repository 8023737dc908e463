import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@overcast/db';
import { DomainError } from '../errors';
import type { Sql } from './usage';

const WAIT_MS = 5 * 60_000;

/**
 * Runs `fn` while holding the organization's governance lock (a session advisory lock on one
 * connection), so two creations cannot both count the same headroom: the second one checks
 * after the first has stored its machine. Waiters try again rather than block, so they hold no
 * pooled connection the holder may need.
 */
export async function withGovernanceLock<T>(
  db: Pick<Database, 'pool'>,
  organizationId: string,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const key = `overcast.governance:${organizationId}`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const client = await db.pool.connect();
    let locked = false;
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [key],
      );
      locked = rows[0]?.ok === true;
      if (locked) return await fn(client);
    } finally {
      if (locked) {
        const unlocked = await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).then(
          () => true,
          () => false,
        );
        // A connection that could not unlock is closed, which lets the lock go.
        client.release(!unlocked);
      } else client.release();
    }
    if (Date.now() > deadline)
      throw new DomainError(
        'unavailable',
        'governance_busy',
        'Other creations in this organization are still under way; try again in a minute.',
      );
    await sleep(50 + Math.random() * 100);
  }
}
