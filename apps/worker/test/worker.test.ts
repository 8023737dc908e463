import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deleteStaleSessions } from '@overcast/core/auth';
import { createDatabase } from '@overcast/db';
import { createRedis, loadSettings, workerHeartbeatKey } from '@overcast/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase as createEmptyDatabase, dropDatabase } from '../../../test/support/postgres';
import { exited, spawnWorker, waitFor, workerDir } from './support/harness';

const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
loadSettings({ dir: settingsDir, create: true, env: process.env });
const env = { ...process.env, OVERCAST_SETTINGS_DIR: settingsDir, OVERCAST_LOG_LEVEL: 'warn' };
const redis = createRedis(process.env.REDIS_URL!, { enableOfflineQueue: true });
const db = createDatabase({ url: process.env.DATABASE_URL!, max: 2 });
afterAll(async () => {
  redis.disconnect();
  await db.close();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('worker process', () => {
  it('reports liveness while running and drains cleanly on SIGTERM', async () => {
    const child = spawnWorker(env, ['ignore', 'ignore', 'pipe']);
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const done = exited(child);
    try {
      await waitFor(() => redis.get(workerHeartbeatKey(`${hostname()}:${child.pid}`)), 15_000);
      const health = spawnSync(process.execPath, ['dist/healthcheck.js'], {
        cwd: workerDir,
        env,
        encoding: 'utf8',
      });
      expect(health.status, health.stderr).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    const started = Date.now();
    expect(await done, stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await redis.get(workerHeartbeatKey(`${hostname()}:${child.pid}`))).toBeNull();
  });

  it('waits for the api to create settings.json instead of failing at once', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
    const child = spawnWorker({ ...env, OVERCAST_SETTINGS_DIR: empty }, 'ignore');
    const done = exited(child);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(child.exitCode).toBeNull();
    loadSettings({ dir: empty, create: true, env: process.env });
    await waitFor(() => redis.get(workerHeartbeatKey(`${hostname()}:${child.pid}`)), 15_000);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
  });
});

describe('first start', () => {
  it('a worker started before the api on an empty database waits for the migrations, then runs', async () => {
    const name = `overcast_first_${randomBytes(4).toString('hex')}`;
    const url = await createEmptyDatabase(name);
    const firstEnv = { ...env, DATABASE_URL: url, OVERCAST_LOG_LEVEL: 'info' };
    const worker = spawnWorker(firstEnv, ['ignore', 'pipe', 'pipe']);
    let output = '';
    worker.stdout!.on('data', (d) => {
      output += d;
    });
    worker.stderr!.on('data', (d) => {
      output += d;
    });
    const workerDone = exited(worker);
    let api: ChildProcess | undefined;
    try {
      await waitFor(async () => output.includes('waiting for the api to apply database migrations'), 15_000);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(worker.exitCode, output).toBeNull();
      api = spawn(process.execPath, ['dist/main.js'], {
        cwd: resolve(workerDir, '../api'),
        env: { ...firstEnv, OVERCAST_HOST: '127.0.0.1', OVERCAST_PORT: String(await freePort()) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      api.stdout!.on('data', (d) => {
        output += `api: ${d}`;
      });
      api.stderr!.on('data', (d) => {
        output += `api: ${d}`;
      });
      // Liveness, not speed: the api migrates an empty database first, slow on a busy machine.
      await waitFor(async () => output.includes('worker started'), 90_000).catch((e) => {
        throw new Error(`${e}: ${output}`);
      });
      expect(worker.exitCode, output).toBeNull();
      expect(output).not.toContain('does not exist');
    } finally {
      worker.kill('SIGTERM');
      api?.kill('SIGTERM');
      if (api && api.exitCode === null && api.signalCode === null) await exited(api);
      await workerDone;
      await dropDatabase(name);
    }
    expect(worker.exitCode, output).toBe(0);
  }, 150_000);
});

describe('maintenance', () => {
  it('removes sessions that expired more than a week ago and keeps the rest', async () => {
    const org = await db.prisma.organization.create({
      data: { name: 'm', slug: `m-${randomBytes(6).toString('hex')}` },
    });
    const user = await db.prisma.user.create({
      data: { email: `m-${randomBytes(5).toString('hex')}@example.com`, passwordHash: 'x' },
    });
    const mk = (expiresAt: Date) =>
      db.prisma.session.create({
        data: {
          userId: user.id,
          organizationId: org.id,
          tokenHash: randomBytes(16).toString('hex'),
          expiresAt,
        },
      });
    const old = await mk(new Date(Date.now() - 8 * 86_400_000));
    const recent = await mk(new Date(Date.now() - 86_400_000));
    const live = await mk(new Date(Date.now() + 86_400_000));
    expect(await deleteStaleSessions(db)).toBeGreaterThanOrEqual(1);
    const left = await db.prisma.session.findMany({ where: { userId: user.id } });
    expect(left.map((s) => s.id).sort()).toEqual([recent.id, live.id].sort());
    expect(left.find((s) => s.id === old.id)).toBeUndefined();
  });
});
