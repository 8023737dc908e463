import type { Database } from '@overcast/db';

/**
 * The totals of machine lists, remembered per query until the organization's machines change.
 *
 * Counting every matching row is most of what a list request costs (all 20,000 rows, through
 * every tag condition of the caller's team policies) while the page itself stops after 100.
 * Triggers on machines and tags add a row to machine_list_changes for each statement that
 * changes what a list shows; (count, max id) of an organization's rows is its list version.
 * Rows are only added, except by `pruneMachineListChanges`, which adds a newer one in the same
 * transaction: so a version never comes back once the rows have changed, even when transactions
 * commit out of id order. A total read with its version in one statement is exact for as long
 * as that version is current.
 */
const MAX_ENTRIES = 2_000;

interface Entry {
  version: string;
  total: number;
}

const caches = new WeakMap<Database, Map<string, Entry>>();

function cacheOf(db: Database): Map<string, Entry> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/** $1 of every list query is the organization id. */
const VERSION = `(SELECT count(*) || ':' || coalesce(max(id), 0) FROM machine_list_changes WHERE organization_id = $1)`;

/**
 * The total of `countSql` (a `SELECT count(*)::int AS n ...` whose $1 is the organization), from
 * the cache when the organization's version still matches, else counted with the version in one
 * snapshot and remembered.
 */
export async function cachedTotal(db: Database, countSql: string, params: unknown[]): Promise<number> {
  const cache = cacheOf(db);
  const key = `${countSql}\n${JSON.stringify(params)}`;
  const hit = cache.get(key);
  if (hit) {
    const { rows } = await db.pool.query<{ v: string }>(`SELECT ${VERSION} AS v`, params.slice(0, 1));
    if (rows[0]?.v === hit.version) {
      // Most recently used last, so the oldest entry is the first to go.
      cache.delete(key);
      cache.set(key, hit);
      return hit.total;
    }
  }
  const { rows } = await db.pool.query<{ n: number; v: string }>(
    `SELECT (${countSql}) AS n, ${VERSION} AS v`,
    params,
  );
  const total = rows[0]?.n ?? 0;
  cache.delete(key);
  cache.set(key, { version: rows[0]?.v ?? '', total });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return total;
}

/**
 * Keeps machine_list_changes small: drops rows older than `olderThanMs` and those of deleted
 * organizations. Each organization that lost rows gets one new row in the same transaction, so
 * its version moves forward and can never equal one a list cached before.
 */
export async function pruneMachineListChanges(db: Database, olderThanMs = 600_000): Promise<number> {
  const { rows } = await db.pool.query<{ deleted: number }>(
    `WITH gone AS (
       DELETE FROM machine_list_changes c
       WHERE c.at < now() - $1 * interval '1 millisecond'
          OR NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = c.organization_id)
       RETURNING c.organization_id
     ), bumped AS (
       INSERT INTO machine_list_changes (organization_id)
       SELECT DISTINCT g.organization_id FROM gone g
       WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.id = g.organization_id)
     )
     SELECT count(*)::int AS deleted FROM gone`,
    [olderThanMs],
  );
  return rows[0]?.deleted ?? 0;
}
