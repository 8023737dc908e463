import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateDeploy, createDatabase as openDatabase } from '@overcast/db';
import type { TestProject } from 'vitest/node';
import { createDatabase as createTestDatabase, dropDatabase } from './support/postgres';
import { startRedisServer } from './support/redis';

// One throwaway database per run, migrated like production. Tests create their own
// organizations inside it and never assume it is empty.
export default async function setup(project: TestProject) {
  const root = resolve(import.meta.dirname, '..');
  // Integration tests start the very entry points the containers run: build them first.
  for (const app of ['apps/api', 'apps/worker']) {
    execFileSync(process.execPath, [resolve(root, 'scripts/build-app.mjs'), ...entries(resolve(root, app))], {
      cwd: resolve(root, app),
      stdio: 'inherit',
    });
  }
  const name = `overcast_test_${randomBytes(4).toString('hex')}`;
  const url = await createTestDatabase(name);
  const db = openDatabase({ url });
  await migrateDeploy(db.pool);
  await db.close();
  process.env.DATABASE_URL = url;
  // A private redis-server: queue names are fixed, so a shared Redis would let another run's
  // worker take this run's jobs.
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url(0);
  // Emulators, webhook receivers, exporters and mail servers of the tests all listen on
  // loopback, which the outbound guard refuses by default: every api and worker of the run may
  // reach it (and nothing else private). Tests of the default pass the variable empty.
  process.env.OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS = '127.0.0.0/8,::1/128';
  project.provide('databaseUrl', url);
  return async () => {
    await redis.stop();
    await dropDatabase(name);
  };
}

/** The entry points the app's own `build` script names: one list, in its package.json. */
function entries(app: string): string[] {
  const pkg = JSON.parse(readFileSync(resolve(app, 'package.json'), 'utf8')) as {
    scripts: { build: string };
  };
  return pkg.scripts.build.split(/\s+/).filter((arg) => /^src\/.+\.ts$/.test(arg));
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
