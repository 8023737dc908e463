import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase as createTestDatabase, dropDatabase } from '../../../test/support/postgres';
import {
  createDatabase,
  type Database,
  defaultMigrationsDir,
  MigrationError,
  migrateDeploy,
} from '../src/index';

const created: { name: string; db: Database }[] = [];
afterAll(async () => {
  for (const { name, db } of created) {
    await db.close();
    await dropDatabase(name);
  }
});

async function freshDatabase(): Promise<Database> {
  const name = `overcast_migrate_${randomBytes(4).toString('hex')}`;
  const db = createDatabase({ url: await createTestDatabase(name), max: 2 });
  created.push({ name, db });
  return db;
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'overcast-migrations-'));
  cpSync(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

describe('migration runner', () => {
  it('applies every migration once and records it as prisma migrate deploy does', async () => {
    const db = await freshDatabase();
    const first = await migrateDeploy(db.pool);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrateDeploy(db.pool);
    expect(second.applied).toEqual([]);
    const rows = (await db.pool.query('SELECT * FROM "_prisma_migrations" ORDER BY started_at')).rows;
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      const sql = readFileSync(join(defaultMigrationsDir(), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('two runners at once apply each migration exactly once', async () => {
    const db = await freshDatabase();
    const other = createDatabase({
      url: (db.pool as unknown as { options: { connectionString: string } }).options.connectionString,
      max: 2,
    });
    try {
      const [a, b] = await Promise.all([migrateDeploy(db.pool), migrateDeploy(other.pool)]);
      expect([...a.applied, ...b.applied].sort()).toEqual((a.applied.length ? a : b).applied.sort());
    } finally {
      await other.close();
    }
  });

  it('a failing migration leaves nothing half-applied, is recorded, and blocks later runs', async () => {
    const db = await freshDatabase();
    const dir = copyOfMigrations();
    await migrateDeploy(db.pool, dir);
    mkdirSync(join(dir, '29990101000000_broken'));
    writeFileSync(
      join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\nALTER TABLE "no_such_table" ADD COLUMN x int;\n',
    );
    await expect(migrateDeploy(db.pool, dir)).rejects.toThrow(
      /29990101000000_broken failed: .*no_such_table/,
    );
    const half = await db.pool.query("SELECT to_regclass('public.half_done') AS t");
    expect(half.rows[0].t).toBeNull();
    const row = (
      await db.pool.query(`SELECT * FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`)
    ).rows[0];
    expect(row.finished_at).toBeNull();
    expect(row.logs).toContain('no_such_table');
    await expect(migrateDeploy(db.pool, dir)).rejects.toThrow(/failed earlier and was not resolved/);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const db = await freshDatabase();
    const dir = copyOfMigrations();
    await migrateDeploy(db.pool, dir);
    const first = (await db.pool.query('SELECT migration_name FROM "_prisma_migrations" LIMIT 1')).rows[0]
      .migration_name;
    writeFileSync(
      join(dir, first, 'migration.sql'),
      `${readFileSync(join(dir, first, 'migration.sql'), 'utf8')}\n-- edited\n`,
    );
    const err = await migrateDeploy(db.pool, dir).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.message).toContain('was changed after it was applied');
  });

  it('keeps the audit trail append-only', async () => {
    const db = await freshDatabase();
    await migrateDeploy(db.pool);
    await db.pool.query(`INSERT INTO audit_events (action) VALUES ('test.event')`);
    await expect(db.pool.query(`UPDATE audit_events SET action = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
  });
});
