import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for request paths: it fails fast while Redis is down (no offline
 * queue, one retry), so /readyz and rate limits answer instead of hanging.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
  // Connection errors are reported by the calls that need Redis; an unhandled 'error' event would crash.
  redis.on('error', () => {});
  return redis;
}

export type { Redis };

/**
 * PING that waits for a connection still being set up (right after start, or while
 * reconnecting) instead of failing at once; gives up after `timeoutMs`.
 */
export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status !== 'ready') {
    if (redis.status === 'end' || redis.status === 'close') redis.connect().catch(() => {});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new Error(`not connected (${redis.status})`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once('ready', onReady);
    });
  }
  await redis.ping();
}
