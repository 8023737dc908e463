import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
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

/** The middle value of an unsorted list (the upper one of an even count). */
export const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

export function table(rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i]!)).join('  '));
}

/** The api as production runs it: its own process, from its built entry point. */
export async function startApi(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ base: string; stop(): Promise<void> }> {
  const root = resolve(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [resolve(root, 'scripts/build-app.mjs'), 'src/main.ts', 'src/migrate.ts', 'src/adduser.ts'],
    {
      cwd: resolve(root, 'apps/api'),
    },
  );
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: resolve(root, 'apps/api'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      OVERCAST_SETTINGS_DIR: mkdtempSync(join(tmpdir(), 'overcast-bench-')),
      OVERCAST_HOST: '127.0.0.1',
      OVERCAST_PORT: String(port),
      OVERCAST_LOG_LEVEL: 'warn',
      OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) break;
    if (i > 200) throw new Error('the api did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
