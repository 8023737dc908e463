import { type AddressInfo, createServer, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger';
import { bullConnection, openQueues, QUEUES, type Queues } from './queues';

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

  /** Job scheduler calls as a schedule's save makes them, each settled within five seconds. */
  function schedulerCalls(queues: Queues): Promise<unknown>[] {
    return [
      queues.schedules.upsertJobScheduler('s', { every: 60_000 }, { name: 'fire' }),
      queues.schedules.removeJobScheduler('s'),
      queues.metrics.getJobSchedulers(0, -1),
      queues.rules.removeRepeatable('r', { every: 1_000 }),
    ].map((call) =>
      Promise.race([
        call.then(
          () => 'done',
          (err: Error) => `failed: ${err.message}`,
        ),
        new Promise((resolve) => setTimeout(resolve, 5_000, 'still waiting')),
      ]),
    );
  }

  async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    return rejections;
  }

  it('fails job scheduler calls made while Redis is away when the queue closes', async () => {
    // A schedule saved with Redis down: the api stops waiting, and the queue closes later.
    const rejections = await unhandledDuring(async () => {
      const queues = openQueues('redis://127.0.0.1:1', createLogger('silent', 'queues-test'));
      const calls = schedulerCalls(queues);
      await queues.close();
      expect(await Promise.all(calls)).toEqual(Array(4).fill(expect.stringMatching(/^failed: /)));
    });
    expect(rejections).toEqual([]);
  });

  it('hands the connection error to the caller when the queue closes while connecting', async () => {
    // A Redis that resets the first connection and then accepts without answering: the queue
    // closes with its connection both failed once and still starting.
    const sockets: Socket[] = [];
    const redis = createServer((socket) => {
      sockets.push(socket);
      if (sockets.length === 1) socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => redis.listen(0, '127.0.0.1', resolve));
    const { port } = redis.address() as AddressInfo;
    try {
      const rejections = await unhandledDuring(async () => {
        const queues = openQueues(`redis://127.0.0.1:${port}`, createLogger('silent', 'queues-test'));
        const calls = schedulerCalls(queues);
        await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(1), { timeout: 5_000 });
        await queues.close();
        expect(await Promise.all(calls)).toEqual(Array(4).fill(expect.stringMatching(/^failed: /)));
      });
      expect(rejections).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      redis.close();
    }
  });
});
