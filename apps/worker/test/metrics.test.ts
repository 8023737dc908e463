import { randomBytes, randomUUID } from 'node:crypto';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { sealCredentials } from '@overcast/core/clouds';
import { createLogger, openQueues, type Queues, SecretBox } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValue } from '../../../test/support/prometheus';
import { WorkerMetrics } from '../src/metrics';
import { startMetricsServer } from '../src/metrics-server';
import { waitFor } from './support/harness';
import { type MetricsWorker, startMetricsWorker } from './support/metrics-worker';

// The built worker serves /metrics on a port of its own when metrics.token is set: queue depths
// read from BullMQ, and what its jobs measured (polls per cloud, job durations, rule rounds).

const DO_TOKEN = 'metrics-do-token';
let worker: MetricsWorker;
let sim: DigitalOceanSim;
let queues: Queues;
let goodCloud: string;
let badCloud: string;

beforeAll(async () => {
  sim = await startDigitalOceanSim({ accounts: [{ token: DO_TOKEN, droplets: 3 }], bootDelayMs: 0 });
  worker = await startMetricsWorker();
  const box = new SecretBox(worker.settings.secrets.credentialsKey);
  const org = await worker.db.prisma.organization.create({
    data: { name: 'metrics', slug: `metrics-${randomBytes(4).toString('hex')}` },
  });
  goodCloud = randomUUID();
  badCloud = randomUUID();
  for (const [id, token] of [
    [goodCloud, DO_TOKEN],
    [badCloud, 'not-the-token'],
  ] as const) {
    await worker.db.prisma.cloud.create({
      data: {
        id,
        organizationId: org.id,
        provider: 'digitalocean',
        title: `do-${id.slice(0, 6)}`,
        endpoint: sim.url,
        credentials: sealCredentials(box, id, { token }),
      },
    });
  }
  queues = openQueues(worker.redis.url(0), createLogger('silent', 'metrics-test'));
}, 120_000);

afterAll(async () => {
  await queues?.close();
  await worker?.stop();
  await sim?.close();
});

describe('/metrics on the worker', () => {
  it('answers only the right token, in the api’s error body otherwise', async () => {
    for (const authorization of [
      null,
      `Bearer ${worker.token}x`,
      `Bearer ${worker.token.slice(1)}`,
      worker.token,
    ]) {
      const res = await worker.fetch(authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({
        error: { code: 'metrics_token_refused', message: expect.stringContaining('metrics.token') },
      });
    }
    const other = await worker.fetch(undefined, '/admin');
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe('not_found');
    const ok = await worker.fetch();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(text).toMatch(/^# HELP overcast_queue_jobs \S/m);
    expect(text).toMatch(/^# HELP overcast_process_cpu_seconds_total \S/m);
  });

  it('times each poll of a cloud under its id and provider, and counts the failed ones', async () => {
    const series = (cloud_id: string) => ({ cloud_id, provider: 'digitalocean', kind: 'machines' });
    const text = await waitFor(
      async () => {
        const t = await worker.scrape();
        return sampleValue(t, 'overcast_poll_duration_seconds_count', series(goodCloud)) &&
          sampleValue(t, 'overcast_poll_failures_total', series(badCloud))
          ? t
          : null;
      },
      60_000,
      'both clouds’ first polls',
    );
    expect(await worker.db.prisma.machine.count({ where: { cloudId: goodCloud } })).toBe(3);
    expect(sampleValue(text, 'overcast_poll_duration_seconds_sum', series(goodCloud))).toBeGreaterThan(0);
    expect(sampleValue(text, 'overcast_poll_failures_total', series(goodCloud))).toBeUndefined();
    expect(
      sampleValue(text, 'overcast_poll_duration_seconds_count', series(badCloud)),
    ).toBeGreaterThanOrEqual(1);
    // The poll jobs themselves, timed by queue.
    expect(
      sampleValue(text, 'overcast_job_duration_seconds_count', { queue: 'poll', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('reports a queued job in its queue’s depth', async () => {
    const delayed = async () =>
      sampleValue(await worker.scrape(), 'overcast_queue_jobs', { queue: 'scripts', state: 'delayed' });
    expect(await delayed()).toBe(0);
    const job = await queues.scripts.add('run', { runId: randomUUID() }, { delay: 3_600_000 });
    expect(await delayed()).toBe(1);
    await job.remove();
    expect(await delayed()).toBe(0);
  });

  it('times the rule evaluation rounds', async () => {
    await waitFor(
      async () => sampleValue(await worker.scrape(), 'overcast_rule_evaluation_duration_seconds_count'),
      30_000,
      'a rule evaluation round',
    );
  });

  it('opens no port without a token', async () => {
    const { settings } = worker;
    const off = await startMetricsServer(
      { ...settings, metrics: { ...settings.metrics, token: '' } },
      new WorkerMetrics(queues).registry,
      createLogger('silent', 'metrics-test'),
    );
    expect(off).toBeNull();
  });
});
