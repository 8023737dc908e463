import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

/**
 * A Redis URL on a logical database (1-15) that holds no keys now and that no other stack of
 * this run uses. Two stacks on one database would run each other's poll jobs (the queue
 * names are fixed), and a job for a cloud the other stack doesn't know is skipped.
 */
export async function redisUrl(): Promise<{ url: string; release: () => Promise<void> }> {
  const base = (process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
  const taken = new Set((process.env.E2E_REDIS_DBS_IN_USE ?? '').split(',').filter(Boolean).map(Number));
  const candidates = Array.from({ length: 15 }, (_, i) => i + 1).filter((db) => !taken.has(db));
  const redis = new Redis(`${base}/0`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let empty: number[] = [];
  try {
    await redis.connect();
    const info = await redis.info('keyspace');
    const used = new Set(
      [...info.matchAll(/^db(\d+):keys=(\d+)/gm)].filter((m) => Number(m[2]) > 0).map((m) => Number(m[1])),
    );
    empty = candidates.filter((db) => !used.has(db));
  } catch {
    // Redis unreachable here: the stack reports that itself when it starts.
  } finally {
    redis.disconnect();
  }
  const pool = empty.length ? empty : candidates;
  const db = pool[randomInt(0, pool.length)]!;
  process.env.E2E_REDIS_DBS_IN_USE = [...taken, db].join(',');
  const url = `${base}/${db}`;
  return {
    url,
    // Leaves the database empty again for the next run, if it was empty when chosen.
    release: async () => {
      if (!empty.includes(db)) return;
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await client.connect();
        await client.flushdb();
      } finally {
        client.disconnect();
      }
    },
  };
}

/** Polls a URL until it answers 200, failing early if `failFast` reports a reason. */
export async function waitForOk(
  url: string,
  { timeoutMs = 60_000, failFast }: { timeoutMs?: number; failFast?: () => string | null } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reason = failFast?.();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s (last: ${last})`);
}
