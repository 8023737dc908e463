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
