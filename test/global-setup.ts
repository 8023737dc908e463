import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateDeploy, createDatabase as openDatabase } from '@overcast/db';
import type { TestProject } from 'vitest/node';
import {
  createMigratedDatabase,
  createDatabase as createTestDatabase,
  dropDatabasesStartingWith,
  TEMPLATE_DATABASE_ENV,
} from './support/postgres';
import { startRedisServer } from './support/redis';

// One throwaway database per run, migrated like production. Tests create their own
// organizations inside it and never assume it is empty. It is migrated once, as a template:
// the run's database, each worker's (test/worker-setup.ts) and the test files' own are copies
// of it, which is several times faster than migrating each.
interface Run {
  databaseUrl: string;
  users: number;
  teardown(): Promise<void>;
}

// The node projects (files run side by side, and those run alone) both declare this setup, in
// one vitest process: the first to start makes the run's database and Redis, the last to finish
// removes them.
const RUN = Symbol.for('overcast.test.run');
const shared = globalThis as { [RUN]?: Promise<Run> };

export default async function setup(project: TestProject) {
  shared[RUN] ??= start();
  const run = await shared[RUN];
  run.users += 1;
  project.provide('databaseUrl', run.databaseUrl);
  return async () => {
    run.users -= 1;
    if (run.users > 0) return;
    delete shared[RUN];
    await run.teardown();
  };
}

async function start(): Promise<Run> {
  const root = resolve(import.meta.dirname, '..');
  // Integration tests start the very entry points the containers run: build them first.
  for (const app of ['apps/api', 'apps/worker']) {
    execFileSync(process.execPath, [resolve(root, 'scripts/build-app.mjs'), ...entries(resolve(root, app))], {
      cwd: resolve(root, app),
      stdio: 'inherit',
    });
  }
  const name = `overcast_test_${randomBytes(4).toString('hex')}`;
  const template = await createTestDatabase(`${name}_template`);
  const db = openDatabase({ url: template });
  await migrateDeploy(db.pool);
  // No session may stay connected to a template while it is copied.
  await db.close();
  process.env[TEMPLATE_DATABASE_ENV] = `${name}_template`;
  const url = await createMigratedDatabase(name);
  process.env.DATABASE_URL = url;
  process.env.OVERCAST_TEST_RUN_DATABASE = name;
  // A private redis-server: queue names are fixed, so a shared Redis would let another run's
  // worker take this run's jobs.
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url(0);
  process.env.OVERCAST_TEST_REDIS_URL = redis.url(0);
  // Emulators, webhook receivers, exporters and mail servers of the tests all listen on
  // loopback, which the outbound guard refuses by default: every api and worker of the run may
  // reach it (and nothing else private). Tests of the default pass the variable empty.
  process.env.OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS = '127.0.0.0/8,::1/128';
  return {
    databaseUrl: url,
    users: 0,
    async teardown() {
      await redis.stop();
      // The run's database, its template and the workers' copies.
      await dropDatabasesStartingWith(name);
    },
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
