import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { sealCredentials } from '@overcast/core/clouds';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { loadSettings, SecretBox } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, dropDatabase } from '../../../test/support/postgres';
import { exited, spawnWorker, waitFor } from './support/harness';

// The real worker process polls through BullMQ. It gets a database of its own, so its
// poller never touches the clouds of other test files.
const dbName = `overcast_poller_${randomBytes(4).toString('hex')}`;
const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
const TOKEN = 'poller-token';
let db: Database;
let sim: DigitalOceanSim;
let env: NodeJS.ProcessEnv;
let cloudId: string;

beforeAll(async () => {
  const url = await createMigratedDatabase(dbName);
  db = createDatabase({ url, max: 2 });
  await migrateDeploy(db.pool);
  env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL!.replace(/\/\d*$/, '/13'),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: process.env.WORKER_LOGS ? 'info' : 'warn',
  };
  const { settings } = loadSettings({ dir: settingsDir, create: true, env });
  sim = await startDigitalOceanSim({ accounts: [{ token: TOKEN, droplets: 3000 }], bootDelayMs: 0 });
  const org = await db.prisma.organization.create({
    data: { name: 'poller', slug: `poller-${randomBytes(4).toString('hex')}` },
  });
  cloudId = randomUUID();
  await db.prisma.cloud.create({
    data: {
      id: cloudId,
      organizationId: org.id,
      provider: 'digitalocean',
      title: 'polled',
      endpoint: sim.url,
      credentials: sealCredentials(new SecretBox(settings.secrets.credentialsKey), cloudId, { token: TOKEN }),
    },
  });
});
afterAll(async () => {
  await sim.close();
  await db.close();
  await dropDatabase(dbName);
});

const startWorker = () => spawnWorker(env);
const machineCount = () => db.prisma.machine.count({ where: { cloudId } });

describe('poller in the worker', () => {
  it('a worker killed in the middle of a poll leaves no partial state; the next worker completes it', async () => {
    // Slow pages, so the kill lands while the listing is under way.
    sim.knobs.latencyMs = 60;
    const first = startWorker();
    const pagesBefore = sim.requestLog.length;
    await waitFor(async () => sim.requestLog.length - pagesBefore >= 3, 60_000);
    first.kill('SIGKILL');
    await exited(first);
    expect(await machineCount()).toBe(0);

    sim.knobs.latencyMs = 0;
    const second = startWorker();
    try {
      // The machines commit first; the cloud's status is recorded right after.
      const pollStatus = async () =>
        (await db.prisma.cloud.findUniqueOrThrow({ where: { id: cloudId } })).pollStatus;
      await waitFor(async () => (await machineCount()) === 3000 && (await pollStatus()) === 'ok', 60_000);
      // A first poll stores no history rows (each machine's row says when it was first seen),
      // and nothing the killed poll began survived it.
      expect(await db.prisma.machineEvent.count()).toBe(0);
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }
  }, 180_000);
});
