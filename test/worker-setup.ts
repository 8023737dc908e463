import { adminUrl, createMigratedDatabase } from './support/postgres';

// Runs in each test process before its file. Files may run in several processes at once
// (vitest's maxWorkers): each pool gets a database and a Redis logical database of its own,
// so no file sees another's rows, queues or jobs (queue names are fixed). Files of one pool
// run one after another in its database, as all files did when they ran one at a time.
const run = process.env.OVERCAST_TEST_RUN_DATABASE;
const redis = process.env.OVERCAST_TEST_REDIS_URL;
if (run && redis) {
  const pool = Number(process.env.VITEST_POOL_ID ?? '1');
  // Redis has 16 logical databases: 0 is the global setup's, 11-13 are taken by files that want
  // one to themselves (api automation, engine events, poller), so pools use 1-10.
  if (!Number.isInteger(pool) || pool < 1 || pool > 10) {
    throw new Error(`VITEST_POOL_ID ${process.env.VITEST_POOL_ID} is not 1-10: run at most 10 workers`);
  }
  const name = `${run}_p${pool}`;
  try {
    await createMigratedDatabase(name);
  } catch (error) {
    // Made by an earlier file of the same pool.
    if ((error as { code?: string }).code !== '42P04') throw error;
  }
  process.env.DATABASE_URL = adminUrl(name);
  const url = new URL(redis);
  url.pathname = `/${pool}`;
  process.env.REDIS_URL = url.toString();
}
