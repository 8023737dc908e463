import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { bullConnection, openQueues, QUEUES } from './queues';

describe('bullConnection', () => {
  it('takes the settings URL apart, since ioredis ignores a url option', () => {
    expect(bullConnection('redis://redis:6380/3')).toEqual({
      host: 'redis',
      port: 6380,
      db: 3,
      maxRetriesPerRequest: null,
    });
    expect(bullConnection('rediss://user:p%40ss@cache.example.com')).toEqual({
      host: 'cache.example.com',
      port: 6379,
      db: 0,
      username: 'user',
      password: 'p@ss',
      tls: {},
      maxRetriesPerRequest: null,
    });
  });
});

describe('openQueues', () => {
  it('closes queues still connecting without an unhandled rejection', async () => {
    // Closing right after opening is what a failed start or a short-lived test does.
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      // Closing at each moment of the first few milliseconds meets the connection at every step.
      for (let ms = 0; ms < 30; ms++) {
        const queues = openQueues(process.env.REDIS_URL!, createLogger('silent', 'queues-test'));
        for (const key of Object.keys(QUEUES) as (keyof typeof QUEUES)[]) void queues[key];
        await new Promise((resolve) => setTimeout(resolve, ms / 3));
        await queues.close();
      }
      // Let any rejection left behind by the closed connections surface.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
  });

  it('still closes when Redis cannot be reached', async () => {
    const queues = openQueues('redis://127.0.0.1:1', createLogger('silent', 'queues-test'));
    void queues.poll;
    const started = Date.now();
    await queues.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
