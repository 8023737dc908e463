import { randomUUID } from 'node:crypto';
import { bullConnection, openQueues, QUEUE_PREFIX, QUEUES } from '@overcast/runtime';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import {
  POLL_KINDS,
  pollSchedulerId,
  refreshAfterChange,
  refreshNow,
  SETTLE_POLL_DELAYS_MS,
  schedulePolls,
} from '../src/polling/schedule';

// "Refresh now" (and a new cloud's first sync) must not wait behind the clouds' scheduled polls.

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1';
const queues = openQueues(url, { warn() {} } as unknown as Parameters<typeof openQueues>[1]);
const settings = { poll: { machinesSeconds: 3600, catalogSeconds: 3600 } };
afterAll(() => queues.close());

describe('poll order', () => {
  it('runs a refresh before polls the schedule queued earlier', async () => {
    const poll = queues.poll;
    const scheduled = { id: randomUUID(), enabled: true, pollIntervalSeconds: 3600 };
    const refreshed = randomUUID();
    const runtime = { queues, settings } as unknown as Parameters<typeof schedulePolls>[0];
    const order: string[] = [];
    const ours = new Set([scheduled.id, refreshed]);
    let worker: Worker | undefined;
    // Paused while both are queued, so the order is the queue's, not the timing's.
    await poll.pause();
    try {
      await schedulePolls(runtime, scheduled);
      expect(await refreshNow(runtime, refreshed)).toBe(true);
      worker = new Worker(
        QUEUES.poll,
        async (job) => {
          if (ours.has(job.data.cloudId))
            order.push(job.data.cloudId === refreshed ? 'refresh' : 'scheduled');
        },
        { connection: bullConnection(url), prefix: QUEUE_PREFIX, concurrency: 1 },
      );
      await poll.resume();
      const deadline = Date.now() + 10_000;
      while (order.length < 2 * POLL_KINDS.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      await poll.resume();
      await worker?.close();
      for (const kind of POLL_KINDS) await poll.removeJobScheduler(pollSchedulerId(scheduled.id, kind));
    }
    const each = POLL_KINDS.length;
    expect(order).toEqual([...Array(each).fill('refresh'), ...Array(each).fill('scheduled')]);
  });

  it('follows a change to machines with polls while the provider settles, once for a burst', async () => {
    const poll = queues.poll;
    const cloudId = randomUUID();
    const runtime = { queues } as unknown as Parameters<typeof refreshAfterChange>[0];
    await poll.pause();
    try {
      // Early in a five-second slot, so the burst cannot straddle two.
      const now = Math.floor(Date.now() / 5_000) * 5_000 + 100;
      // Three machines of a stack made within the same moment.
      for (const at of [now, now + 10, now + 20])
        expect(await refreshAfterChange(runtime, cloudId, at)).toBe(true);
      const ours = <J extends { data: { cloudId: string } }>(jobs: J[]) =>
        jobs.filter((j) => j.data.cloudId === cloudId);
      const settling = ours(await poll.getDelayed());
      expect(settling.map((j) => [j.name, j.opts.delay]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual(
        SETTLE_POLL_DELAYS_MS.map((delay) => ['machines', delay]),
      );
      // Settling polls go before the schedule's, as a refresh does.
      expect(settling.every((j) => j.opts.priority === 1)).toBe(true);
      // The immediate polls: every kind once, shared by the burst.
      expect(
        ours(await poll.getPrioritized())
          .map((j) => j.name)
          .sort(),
      ).toEqual([...POLL_KINDS].sort());
    } finally {
      for (const job of [...(await poll.getDelayed()), ...(await poll.getPrioritized())])
        if (job.data.cloudId === cloudId) await job.remove();
      await poll.resume();
    }
  });

  it('queues another refresh when one is already listing, as it may have listed before the change', async () => {
    const poll = queues.poll;
    const cloudId = randomUUID();
    const runtime = { queues } as unknown as Parameters<typeof refreshNow>[0];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const started: string[] = [];
    let listing!: () => void;
    const listingStarted = new Promise<void>((r) => {
      listing = r;
    });
    const worker = new Worker(
      QUEUES.poll,
      async (job) => {
        if (job.data.cloudId !== cloudId) return;
        started.push(job.name);
        if (job.name === 'machines' && started.filter((n) => n === 'machines').length === 1) {
          listing();
          await held;
        }
      },
      { connection: bullConnection(url), prefix: QUEUE_PREFIX, concurrency: 8 },
    );
    try {
      expect(await refreshNow(runtime, cloudId)).toBe(true);
      await listingStarted;
      await poll.pause();
      // The first machines poll is listing: the next request must not be dropped...
      expect(await refreshNow(runtime, cloudId)).toBe(true);
      // ...and the ones after it share that second poll.
      expect(await refreshNow(runtime, cloudId)).toBe(true);
      const waiting = (await poll.getPrioritized()).filter((j) => j.data.cloudId === cloudId);
      expect(waiting.map((j) => j.name).sort()).toEqual([...POLL_KINDS].sort());
    } finally {
      release();
      await poll.resume();
    }
    const deadline = Date.now() + 10_000;
    while (started.length < 2 * POLL_KINDS.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    expect(started.filter((n) => n === 'machines')).toHaveLength(2);
    expect(started).toHaveLength(2 * POLL_KINDS.length);
  });
});
