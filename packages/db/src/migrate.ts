import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

// Applies prisma/migrations/*/migration.sql and keeps `_prisma_migrations` exactly as
// `prisma migrate deploy` does, so the Prisma CLI (where it can run) agrees with us.

/** Same key Prisma's migrate uses, so our runner and the CLI exclude each other too. */
const ADVISORY_LOCK_KEY = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Finds prisma/migrations by walking up from this file (source tree, bundle, or container). */
export function defaultMigrationsDir(): string {
  if (process.env.OVERCAST_MIGRATIONS_DIR) return resolve(process.env.OVERCAST_MIGRATIONS_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new MigrationError('prisma/migrations not found; set OVERCAST_MIGRATIONS_DIR');
    dir = parent;
  }
}

export function readMigrations(dir: string): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations in order, each in its own transaction (Postgres DDL is
 * transactional, so a failed migration leaves no half-applied schema). A failure is
 * recorded like Prisma records it, and later runs refuse until it is resolved.
 */
export async function migrateDeploy(
  pool: pg.Pool,
  dir = defaultMigrationsDir(),
  options: { upTo?: string } = {},
): Promise<MigrationResult> {
  const all = readMigrations(dir);
  // A restore rebuilds the schema its data was dumped from before it migrates any further.
  const last = options.upTo === undefined ? all.length : all.findIndex((m) => m.name === options.upTo) + 1;
  if (last === 0) throw new MigrationError(`Migration ${options.upTo} is not one this build ships.`);
  const migrations = all.slice(0, last);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and was not resolved. ` +
          'Fix the database by hand, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() ...) and start again.',
      );
    }
    const done = new Map(
      rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r]),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      const existing = done.get(m.name);
      if (existing) {
        if (existing.checksum !== m.checksum) {
          throw new MigrationError(
            `Migration ${m.name} was changed after it was applied (checksum differs). ` +
              'Never edit an applied migration; add a new one.',
          );
        }
        continue;
      }
      const id = randomUUID();
      try {
        await client.query('BEGIN');
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
          [id, m.checksum, m.name],
        );
        await client.query(m.sql);
        await client.query(
          'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        const message = (err as Error).message;
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at) VALUES ($1, $2, $3, $4, now())',
          [id, m.checksum, m.name, message],
        );
        throw new MigrationError(`Migration ${m.name} failed: ${message}`);
      }
      applied.push(m.name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => {});
    client.release();
  }
}

/** Postgres' code for "relation does not exist": nothing has been migrated yet. */
const UNDEFINED_TABLE = '42P01';

/** The migrations this build ships that the database has not finished applying. */
export async function pendingMigrations(pool: pg.Pool, dir = defaultMigrationsDir()): Promise<string[]> {
  const wanted = readMigrations(dir).map((m) => m.name);
  try {
    const { rows } = await pool.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Set(rows.map((r) => r.migration_name));
    return wanted.filter((name) => !done.has(name));
  } catch (err) {
    if ((err as { code?: string }).code === UNDEFINED_TABLE) return wanted;
    throw err;
  }
}

export interface SchemaWait {
  /** Migrations still missing, or null when the database could not be asked. */
  pending: string[] | null;
  error?: string;
  /** How long until the next look. */
  retryInMs: number;
}

/**
 * Resolves once the database has every migration this build ships. Only the api migrates; a
 * worker (or anything else) started first waits here instead of failing on a missing table.
 * Looks again with backoff (up to `maxDelayMs`), telling `onWait` each time why it waits.
 */
export async function waitForSchema(
  pool: pg.Pool,
  options: {
    onWait?: (wait: SchemaWait) => void;
    dir?: string;
    maxDelayMs?: number;
    signal?: AbortSignal;
  } = {},
): Promise<void> {
  const maxDelay = options.maxDelayMs ?? 5_000;
  let delay = 250;
  for (;;) {
    options.signal?.throwIfAborted();
    let wait: SchemaWait;
    try {
      const pending = await pendingMigrations(pool, options.dir);
      if (pending.length === 0) return;
      wait = { pending, retryInMs: delay };
    } catch (err) {
      wait = { pending: null, error: (err as Error).message, retryInMs: delay };
    }
    options.onWait?.(wait);
    await new Promise<void>((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, maxDelay);
  }
}
