import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerSim, startDockerSim } from '@overcast/cloud-sim';
import { sealCredentials } from '@overcast/core/clouds';
import { EngineWatchers } from '@overcast/core/engine-events';
import { orgChannel } from '@overcast/core/events';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { createLogger, createRedis, loadSettings, SecretBox, type Settings } from '@overcast/runtime';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, dropDatabase } from '../../../test/support/postgres';
import { spawnWorker, waitFor } from './support/harness';

// The real worker follows a Docker engine's event stream; it gets a database of its own so
// its watchers and polls never touch other test files' clouds.
const dbName = `overcast_engine_${randomBytes(4).toString('hex')}`;
const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
const scratch = mkdtempSync(join(tmpdir(), 'overcast-engine-'));
let db: Database;
let sim: DockerSim;
let env: NodeJS.ProcessEnv;
let settings: Settings;
let redis: Redis;
let subscriber: Redis;
let orgId: string;
let cloudId: string;
let worker: ChildProcess;

const machine = (name: string) => db.prisma.machine.findFirst({ where: { cloudId, name } });

beforeAll(async () => {
  const url = await createMigratedDatabase(dbName);
  db = createDatabase({ url, max: 2 });
  await migrateDeploy(db.pool);
  env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL!.replace(/\/\d*$/, '/12'),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: process.env.WORKER_LOGS ? 'info' : 'warn',
  };
  settings = loadSettings({ dir: settingsDir, create: true, env }).settings;
  redis = createRedis(env.REDIS_URL as string, { enableOfflineQueue: true });
  subscriber = createRedis(env.REDIS_URL as string, { enableOfflineQueue: true });
  sim = await startDockerSim({ socketPath: join(scratch, 'docker.sock') });
  sim.engine.addImage('alpine:3.20');
  sim.engine.start(
    sim.engine.createContainer({ name: 'web', image: 'alpine:3.20', labels: { app: 'shop' } }).id,
  );
  sim.engine.createContainer({ name: 'batch', image: 'alpine:3.20' });
  const org = await db.prisma.organization.create({
    data: { name: 'engine', slug: `engine-${randomBytes(4).toString('hex')}` },
  });
  orgId = org.id;
  cloudId = randomUUID();
  await db.prisma.cloud.create({
    data: {
      id: cloudId,
      organizationId: org.id,
      provider: 'docker',
      title: 'engine',
      config: { host: `unix://${sim.socketPath}` },
      // The scheduled poll is far away: what the test sees comes from the event stream.
      pollIntervalSeconds: 3600,
      credentials: sealCredentials(new SecretBox(settings.secrets.credentialsKey), cloudId, {}),
    },
  });
  worker = spawnWorker(env);
});
afterAll(async () => {
  worker?.kill('SIGTERM');
  if (worker) await new Promise((r) => worker.once('exit', r));
  await sim?.close();
  redis?.disconnect();
  subscriber?.disconnect();
  await db?.close();
  await dropDatabase(dbName);
  rmSync(scratch, { recursive: true, force: true });
});

/** Resolves with the first published event that matches, and when it arrived. */
async function nextEvent(match: (e: Record<string, unknown>) => boolean): Promise<{ at: number }> {
  await subscriber.subscribe(orgChannel(orgId));
  return new Promise((resolve) => {
    const onMessage = (_channel: string, text: string) => {
      const e = JSON.parse(text) as Record<string, unknown>;
      if (!match(e)) return;
      subscriber.off('message', onMessage);
      resolve({ at: performance.now() });
    };
    subscriber.on('message', onMessage);
  });
}

describe('docker engine events in the worker', () => {
  it('lists the engine, then shows a state change made on the host within a second', async () => {
    await waitFor(async () => (await db.prisma.machine.count({ where: { cloudId } })) === 2, 20_000);
    expect(await machine('web')).toMatchObject({ state: 'running', providerTags: { app: 'shop' } });
    await waitFor(async () => sim.eventStreamCount() === 1, 10_000);
    const web = (await machine('web'))!;
    for (const [change, to] of [
      [() => sim.engine.stop('web'), 'stopped'],
      [() => sim.engine.start('web'), 'running'],
      [() => sim.engine.pause('web'), 'stopped'],
      [() => sim.engine.unpause('web'), 'running'],
    ] as const) {
      const heard = nextEvent(
        (e) =>
          e.type === 'machine.changed' && e.machineId === web.id && (e.data as { to?: string })?.to === to,
      );
      const started = performance.now();
      change();
      const { at } = await heard;
      expect(at - started).toBeLessThan(1_000);
      expect((await machine('web'))?.state).toBe(to);
    }
    expect((await machine('web'))?.rawState).toBe('running');
  });

  it('picks up a container removed and one created on the host', async () => {
    const made = sim.engine.createContainer({ name: 'fresh', image: 'alpine:3.20' });
    await waitFor(async () => (await machine('fresh')) !== null, 2_000);
    sim.engine.remove(made.id);
    await waitFor(async () => (await machine('fresh'))?.state === 'missing', 2_000);
  });

  it('reconnects after the engine went away, and fills the gap', async () => {
    await sim.suspend();
    // Changes while nobody listens: no event will ever tell of them.
    sim.engine.stop('web');
    sim.engine.start('batch');
    await new Promise((r) => setTimeout(r, 1_200));
    await sim.resume();
    await waitFor(async () => (await machine('web'))?.state === 'stopped', 15_000);
    await waitFor(async () => (await machine('batch'))?.state === 'running', 5_000, 'batch to be running');
    await waitFor(async () => sim.eventStreamCount() === 1, 15_000);
    sim.engine.start('web');
    await waitFor(async () => (await machine('web'))?.state === 'running', 2_000);
  });

  it('runs one watcher per cloud across workers', async () => {
    const other = new EngineWatchers({
      db,
      box: new SecretBox(settings.secrets.credentialsKey),
      redis,
      settings,
      logger: createLogger('silent', 'engine-events-test'),
    });
    await other.reconcile();
    expect(other.watching()).toEqual([]);
    expect(sim.eventStreamCount()).toBe(1);
    await other.stopAll();
  });
});
