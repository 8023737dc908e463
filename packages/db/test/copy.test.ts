import type { PoolClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRows, createDatabase } from '../src';

const db = createDatabase({ url: process.env.DATABASE_URL!, max: 2 });
afterAll(() => db.close());

const COLUMNS = ['n', 'label', 'ips', 'doc', 'at'];
// Pooled connections keep their session, and its temp tables, between tests.
const TABLE = `DROP TABLE IF EXISTS copied; CREATE TEMP TABLE copied (n int, label text, ips text[], doc jsonb, at timestamptz)`;

/** Runs `fn` on one connection holding an empty `copied` table. */
async function withCopied(fn: (client: PoolClient) => Promise<void>) {
  const client = await db.pool.connect();
  try {
    await client.query(TABLE);
    await fn(client);
  } finally {
    client.release();
  }
}

async function* slowly<T>(items: T[], fail?: Error) {
  for (const [i, item] of items.entries()) {
    // Pages of 100, each a moment after the last, as a provider answers.
    if (i % 100 === 0) await new Promise((r) => setTimeout(r, 2));
    yield item;
  }
  if (fail) throw fail;
}

describe('copyRows', () => {
  it('carries every value back as it went in: separators, backslashes, quotes, unicode', async () => {
    await withCopied(async (client) => {
      const hostile = 'tab\there\nnew line\r\\N back\\slash "quoted" ünï ✓';
      const doc = { name: hostile, nested: { list: ['a\tb', 'c\\d'] }, n: 1.5, yes: true, none: null };
      const at = new Date('2026-01-02T03:04:05.678Z');
      const rows = [
        [1, hostile, ['10.0.0.1', 'a"b', 'c\\d', 'e,f}'], doc, at],
        [2, null, [], {}, null],
        [3, '\\N', ['\\N'], { '\\N': '\\N' }, undefined],
      ];
      expect(await copyRows(client, 'copied', COLUMNS, rows)).toBe(3);
      const back = await client.query('SELECT n, label, ips, doc, at FROM copied ORDER BY n');
      expect(back.rows).toEqual([
        { n: 1, label: hostile, ips: ['10.0.0.1', 'a"b', 'c\\d', 'e,f}'], doc, at },
        { n: 2, label: null, ips: [], doc: {}, at: null },
        { n: 3, label: '\\N', ips: ['\\N'], doc: { '\\N': '\\N' }, at: null },
      ]);
    });
  });

  it('writes the shared leading values on every row, escaped like the rest', async () => {
    await withCopied(async (client) => {
      const shared = [7, 'owner\tname\\x'];
      const rows = [
        [['a'], { i: 1 }, null],
        [[], { i: 2 }, null],
      ];
      expect(await copyRows(client, 'copied', COLUMNS, rows, shared)).toBe(2);
      const back = await client.query('SELECT n, label, ips, doc FROM copied ORDER BY doc');
      expect(back.rows).toEqual([
        { n: 7, label: 'owner\tname\\x', ips: ['a'], doc: { i: 1 } },
        { n: 7, label: 'owner\tname\\x', ips: [], doc: { i: 2 } },
      ]);
    });
  });

  it('copies from a source that arrives over time, and keeps nothing of one that fails', async () => {
    await withCopied(async (client) => {
      const rows = Array.from({ length: 1_200 }, (_, i) => [i, `row ${i}`, [], {}, null]);
      expect(await copyRows(client, 'copied', COLUMNS, slowly(rows))).toBe(1_200);
      await expect(
        copyRows(client, 'copied', COLUMNS, slowly(rows, new Error('listing failed'))),
      ).rejects.toThrow('listing failed');
      // The failed COPY left nothing behind, and the connection answers again.
      expect((await client.query('SELECT count(*)::int AS n FROM copied')).rows[0].n).toBe(1_200);
    });
  });

  it('stops reading the source when Postgres refuses a row, and says why', async () => {
    await withCopied(async (client) => {
      let read = 0;
      const source = (async function* () {
        for (let i = 0; i < 20_000; i++) {
          read += 1;
          if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
          yield [i === 600 ? 'not a number' : i, 'x', [], {}, null];
        }
      })();
      await expect(copyRows(client, 'copied', COLUMNS, source)).rejects.toThrow(
        /invalid input syntax for type integer/,
      );
      expect(read).toBeLessThan(20_000);
      expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    });
  });
});
