import pg from 'pg';

/** The server the tests use: $TEST_PG_URL, else the local one with trust auth. */
export function adminUrl(database = 'postgres'): string {
  const base = new URL(process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${database}`;
  return base.toString();
}

export async function createDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return adminUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Set by the global setup: the database it migrated once, which test files copy. */
export const TEMPLATE_DATABASE_ENV = 'OVERCAST_TEST_TEMPLATE_DATABASE';

/**
 * A new database with every migration applied: a copy of the run's migrated template, which
 * takes a fraction of the time migrating does. Without a template (outside the test run's global
 * setup) it is empty, and callers' own migrateDeploy() fills it as before.
 */
export async function createMigratedDatabase(name: string): Promise<string> {
  const template = process.env[TEMPLATE_DATABASE_ENV];
  if (!template) return createDatabase(name);
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await client.end();
  }
  return adminUrl(name);
}

/** Drops every database whose name starts with `prefix` (a run's per-worker copies). */
export async function dropDatabasesStartingWith(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
