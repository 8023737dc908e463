import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { loadSettings, type Settings } from '@overcast/runtime';
import { freePort } from '../../../../test/support/ports';
import { createDatabase as createPgDatabase, dropDatabase } from '../../../../test/support/postgres';
import { type RedisServer, startRedisServer } from '../../../../test/support/redis';
import { spawnWorker, waitFor } from './harness';

/** The built worker serving /metrics, on a database and a redis-server of its own. */
export interface MetricsWorker {
  db: Database;
  redis: RedisServer;
  settings: Settings;
  token: string;
  /** http://127.0.0.1:<port>/metrics */
  url: string;
  /** GET /metrics with the token (or the given Authorization header). */
  fetch(authorization?: string | null, path?: string): Promise<Response>;
  /** The metrics text, with the right token. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

export async function startMetricsWorker(env: Record<string, string> = {}): Promise<MetricsWorker> {
  const dbName = `overcast_metrics_${randomBytes(4).toString('hex')}`;
  const dbUrl = await createPgDatabase(dbName);
  const db = createDatabase({ url: dbUrl, max: 2 });
  await migrateDeploy(db.pool);
  const redis = await startRedisServer();
  const token = `worker-metrics-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
  const fullEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url(0),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: process.env.WORKER_LOGS ? 'info' : 'warn',
    OVERCAST_METRICS_TOKEN: token,
    OVERCAST_METRICS_WORKER_HOST: '127.0.0.1',
    OVERCAST_METRICS_WORKER_PORT: String(port),
    ...env,
  };
  const { settings } = loadSettings({ dir: settingsDir, create: true, env: fullEnv });
  const worker: ChildProcess = spawnWorker(fullEnv);
  const url = `http://127.0.0.1:${port}/metrics`;
  const get = (authorization: string | null = `Bearer ${token}`, path = '/metrics') =>
    fetch(new URL(path, url), { headers: authorization === null ? {} : { authorization } });
  await waitFor(
    () =>
      get().then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
    'the worker’s /metrics',
  );
  return {
    db,
    redis,
    settings,
    token,
    url,
    fetch: get,
    async scrape() {
      const res = await get();
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    async stop() {
      if (worker.exitCode === null) {
        const gone = new Promise((r) => worker.once('exit', r));
        worker.kill('SIGTERM');
        await gone;
      }
      await db.close();
      await redis.stop();
      await dropDatabase(dbName);
    },
  };
}
