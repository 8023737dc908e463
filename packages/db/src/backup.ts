import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { defaultMigrationsDir, MigrationError, migrateDeploy } from './migrate';

// A logical backup of every table with COPY, inside one snapshot, restorable into an empty
// database of any Postgres version the api supports: no pg_dump binary that must match the
// server's major version.

/** Derived rows that triggers write again as the data goes back in. */
const NOT_BACKED_UP = new Set(['machine_list_changes', '_prisma_migrations']);

export interface DumpedTable {
  name: string;
  columns: string[];
  rows: number;
}

export interface DatabaseDump {
  /** The migrations the data was dumped under, oldest first. */
  migrations: string[];
  tables: DumpedTable[];
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function tablesOf(client: pg.PoolClient): Promise<{ name: string; columns: string[] }[]> {
  const { rows } = await client.query<{ table_name: string; columns: string[] }>(
    `SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
       FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.is_generated = 'NEVER'
      GROUP BY c.table_name ORDER BY c.table_name`,
  );
  return rows
    .filter((r) => !NOT_BACKED_UP.has(r.table_name))
    .map((r) => ({ name: r.table_name, columns: r.columns }));
}

/**
 * Writes each table to `dir/<table>.copy` (COPY text format) from one REPEATABLE READ
 * snapshot, so rows that refer to each other are dumped as they stood together.
 */
export async function dumpDatabase(pool: pg.Pool, dir: string): Promise<DatabaseDump> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: applied } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    const tables: DumpedTable[] = [];
    for (const table of await tablesOf(client)) {
      const cols = table.columns.map(ident).join(', ');
      const source = client.query(copyStreams.to(`COPY ${ident(table.name)} (${cols}) TO STDOUT`));
      await pipeline(source, createWriteStream(join(dir, `${table.name}.copy`), { mode: 0o600 }));
      tables.push({ ...table, rows: source.rowCount });
    }
    await client.query('COMMIT');
    return { migrations: applied.map((r) => r.migration_name), tables };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Tables in an order where each comes after those its foreign keys point at. */
async function insertOrder(client: pg.PoolClient, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1').replaceAll('""', '"');
  const parents = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const r of rows) {
    const child = unquote(r.child);
    const parent = unquote(r.parent);
    if (child !== parent) parents.get(child)?.add(parent);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < names.length) {
    const ready = names.filter(
      (n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p) || !parents.has(p)),
    );
    if (ready.length === 0)
      throw new BackupError('The tables refer to each other in a circle; cannot order them.');
    for (const n of ready) {
      order.push(n);
      placed.add(n);
    }
  }
  return order;
}

/**
 * Rebuilds the schema the dump was taken under in an empty database, loads every table in
 * one transaction (all or nothing), moves sequences past the restored ids, then applies the
 * migrations this build adds on top.
 */
export async function restoreDatabase(
  pool: pg.Pool,
  dir: string,
  dump: DatabaseDump,
  migrationsDir = defaultMigrationsDir(),
): Promise<{ rows: number; migratedAfter: string[] }> {
  const { rows: existing } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
  );
  if (existing[0]!.n > 0) {
    throw new BackupError(
      'The database is not empty. Restore into a new, empty database (or drop and recreate this one), then run restore again.',
    );
  }
  const NAME = /^[a-z_][a-z0-9_]*$/;
  for (const t of dump.tables) {
    if (!NAME.test(t.name) || !t.columns.every((c) => NAME.test(c))) {
      throw new BackupError(
        `The backup names a table or column Overcast does not have (${t.name}); it is damaged or not ours.`,
      );
    }
  }
  const last = dump.migrations.at(-1);
  if (!last) throw new BackupError('The backup records no applied migrations; it is not an Overcast backup.');
  try {
    await migrateDeploy(pool, migrationsDir, { upTo: last });
  } catch (err) {
    if (err instanceof MigrationError) {
      throw new BackupError(
        `This backup was made by a newer Overcast (its schema includes ${last}). Restore it with that version or a later one.`,
      );
    }
    throw err;
  }
  const client = await pool.connect();
  let total = 0;
  try {
    await client.query('BEGIN');
    const byName = new Map(dump.tables.map((t) => [t.name, t]));
    for (const name of await insertOrder(client, [...byName.keys()])) {
      const table = byName.get(name)!;
      const cols = table.columns.map(ident).join(', ');
      const sink = client.query(copyStreams.from(`COPY ${ident(name)} (${cols}) FROM STDIN`));
      await pipeline(createReadStream(join(dir, `${name}.copy`)), sink);
      total += sink.rowCount;
    }
    // Serial and identity columns continue after the restored rows.
    const { rows: sequences } = await client.query<{ tbl: string; col: string; seq: string }>(
      `SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0
          AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
    );
    for (const s of sequences) {
      await client.query(
        `SELECT setval($1, COALESCE((SELECT max(${ident(s.col)}) FROM ${ident(s.tbl)}), 0) + 1, false)`,
        [s.seq],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  const after = await migrateDeploy(pool, migrationsDir);
  return { rows: total, migratedAfter: after.applied };
}
