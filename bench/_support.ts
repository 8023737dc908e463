import { randomBytes } from 'node:crypto';
import { createDatabase, type Database, migrateDeploy } from '../packages/db/src/index';
import { createDatabase as createPgDatabase, dropDatabase } from '../test/support/postgres';

/** A fresh, migrated database for one benchmark run, dropped afterwards. */
export async function benchDatabase(): Promise<{ db: Database; url: string; drop(): Promise<void> }> {
  const name = `overcast_bench_${randomBytes(4).toString('hex')}`;
  const url = await createPgDatabase(name);
  const db = createDatabase({ url, max: 8 });
  await migrateDeploy(db.pool);
  return {
    db,
    url,
    async drop() {
      await db.close();
      await dropDatabase(name);
    },
  };
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

export function table(rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i]!)).join('  '));
}
