import type { ProviderKind, RemoteMachine } from '@overcast/contracts';
import { type CopyValue, copyRows, type Database } from '@overcast/db';
import type { PoolClient } from 'pg';
import { COST_TAG, machineCost } from '../cost';
import { type Listing, type ListingOptions, listedRows } from './listing';

/** What one poll changed; `events` are its changes, for publishing (new machines' included). */
export interface MachineSyncResult {
  seen: number;
  created: number;
  updated: number;
  missing: number;
  terminated: number;
  /** The history rows written; empty when `summarized` (too many to send one by one). */
  events: InventoryEvent[];
  summarized: boolean;
}

/** Beyond this many changes in one poll, events are summarized rather than listed. */
export const DETAILED_EVENT_LIMIT = 200;

export interface InventoryEvent {
  machineId: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface SyncTarget {
  cloudId: string;
  organizationId: string;
  provider: ProviderKind;
  costOverrideMonthly: string | null;
  /** Hours a vanished machine stays `missing` before it is marked terminated. */
  missingGraceHours: number;
  /**
   * When the listing began. A machine whose row was written after that (made, or acted on,
   * while the listing ran) is not judged by it, so not marked missing; without it, every
   * machine the listing lacks is.
   */
  listedAt?: Date;
}

const COLUMNS = [
  'external_id',
  'name',
  'state',
  'raw_state',
  'size',
  'image',
  'location',
  'public_ips',
  'private_ips',
  'provider_tags',
  'extra',
  'launched_at',
  'cost_hourly',
  'cost_monthly',
  'cost_currency',
  'cost_source',
  'price_unknown_reason',
] as const;

/** The fields a poll owns; a difference in any of them is a change. */
const COMPARED = COLUMNS.filter((c) => c !== 'external_id');

/**
 * Refreshes the planner's statistics after a large import, in the background: the poll need
 * not wait, and a failure only means autovacuum does it later.
 */
function refreshStatistics(db: Database): void {
  db.pool.query('ANALYZE machines').catch(() => {});
}

/** Rows created or gone in one poll beyond which the table's statistics are refreshed. */
const BULK_CHANGE = 1_000;

const INCOMING_TABLE = `CREATE TEMP TABLE incoming_machines (
  external_id text NOT NULL, name text NOT NULL, state "MachineState" NOT NULL, raw_state text NOT NULL,
  size text, image text, location text, public_ips text[] NOT NULL, private_ips text[] NOT NULL,
  provider_tags jsonb NOT NULL, extra jsonb NOT NULL, launched_at timestamptz(3),
  cost_hourly numeric(12,6), cost_monthly numeric(12,4), cost_currency text NOT NULL, cost_source text,
  price_unknown_reason text
) ON COMMIT DROP`;

/**
 * A machine a poll finds has no stored `created` event: its row's `created_at` is when it was
 * first seen, and its history shows that (machines/detail.ts). The event is still published
 * live. Storing one per machine cost a first sync of 10k machines 180 ms, and a 100k account
 * 100k rows that only repeated the rows' own timestamps.
 */
const createdEvent = `jsonb_build_object('name', name, 'state', state, 'costMonthly', cost_monthly)`;

// Machines the provider lists that we do not have yet.
const INSERT_NEW = `
INSERT INTO machines (organization_id, cloud_id, ${COLUMNS.join(', ')})
SELECT $2, $1, ${COLUMNS.map((c) => `i.${c}`).join(', ')}
FROM incoming_machines i
WHERE NOT EXISTS (SELECT 1 FROM machines m WHERE m.cloud_id = $1 AND m.external_id = i.external_id)
ON CONFLICT (cloud_id, external_id) DO NOTHING
RETURNING id AS machine_id, 'created' AS kind, ${createdEvent} AS data`;

// Machines whose fields changed, or that come back after being missing. Old values are read
// in the same statement, so each change becomes a precise event.
const UPDATE_CHANGED = `
WITH changed AS (
  SELECT m.id, m.name AS old_name, m.state AS old_state, m.size AS old_size,
         m.public_ips AS old_public, m.private_ips AS old_private, m.cost_monthly AS old_cost,
         m.missing_since AS old_missing, i.*
  FROM machines m JOIN incoming_machines i ON m.cloud_id = $1 AND m.external_id = i.external_id
  WHERE (${COMPARED.map((c) => `m.${c}`).join(', ')}, m.missing_since)
        IS DISTINCT FROM (${COMPARED.map((c) => `i.${c}`).join(', ')}, NULL::timestamptz)
  FOR UPDATE OF m
), upd AS (
  UPDATE machines m SET ${COMPARED.map((c) => `${c} = c.${c}`).join(', ')}, missing_since = NULL, updated_at = now()
  FROM changed c WHERE m.id = c.id
  RETURNING m.id
)
INSERT INTO machine_events (organization_id, machine_id, kind, data)
SELECT $2, c.id, e.kind, e.data
FROM changed c
CROSS JOIN LATERAL (VALUES
  ('returned', CASE WHEN c.old_missing IS NOT NULL THEN jsonb_build_object('missingSince', c.old_missing) END),
  ('state_changed', CASE WHEN c.old_state IS DISTINCT FROM c.state THEN jsonb_build_object('from', c.old_state, 'to', c.state) END),
  ('renamed', CASE WHEN c.old_name IS DISTINCT FROM c.name THEN jsonb_build_object('from', c.old_name, 'to', c.name) END),
  ('resized', CASE WHEN c.old_size IS DISTINCT FROM c.size THEN jsonb_build_object('from', c.old_size, 'to', c.size) END),
  ('ip_changed', CASE WHEN c.old_public IS DISTINCT FROM c.public_ips OR c.old_private IS DISTINCT FROM c.private_ips
     THEN jsonb_build_object('public', jsonb_build_object('from', c.old_public, 'to', c.public_ips),
                             'private', jsonb_build_object('from', c.old_private, 'to', c.private_ips)) END),
  ('cost_changed', CASE WHEN c.old_cost IS DISTINCT FROM c.cost_monthly THEN jsonb_build_object('from', c.old_cost, 'to', c.cost_monthly) END),
  ('updated', jsonb_build_object())
) AS e(kind, data)
WHERE e.data IS NOT NULL AND (e.kind <> 'updated' OR NOT (
  c.old_missing IS NOT NULL OR c.old_state IS DISTINCT FROM c.state OR c.old_name IS DISTINCT FROM c.name
  OR c.old_size IS DISTINCT FROM c.size OR c.old_public IS DISTINCT FROM c.public_ips
  OR c.old_private IS DISTINCT FROM c.private_ips OR c.old_cost IS DISTINCT FROM c.cost_monthly))
RETURNING machine_id, kind, data`;

// Machines the provider no longer lists: kept, marked missing, never deleted outright.
const MARK_MISSING = `
WITH gone AS (
  SELECT m.id, m.state FROM machines m
  WHERE m.cloud_id = $1 AND m.missing_since IS NULL AND m.state <> 'terminated'
    AND ($3::timestamptz IS NULL OR m.updated_at < $3::timestamptz)
    AND NOT EXISTS (SELECT 1 FROM incoming_machines i WHERE i.external_id = m.external_id)
  FOR UPDATE
), upd AS (
  UPDATE machines m SET state = 'missing', missing_since = now(), updated_at = now() FROM gone g WHERE m.id = g.id
)
INSERT INTO machine_events (organization_id, machine_id, kind, data)
SELECT $2, id, 'missing', jsonb_build_object('lastState', state) FROM gone
RETURNING machine_id, kind, data`;

// Missing longer than the grace period: the machine is gone for good.
const MARK_TERMINATED = `
WITH done AS (
  UPDATE machines m SET state = 'terminated', updated_at = now()
  WHERE m.cloud_id = $1 AND m.state = 'missing' AND m.missing_since < now() - make_interval(hours => $3::int)
  RETURNING m.id
)
INSERT INTO machine_events (organization_id, machine_id, kind, data)
SELECT $2, id, 'terminated', jsonb_build_object('reason', 'missing beyond the grace period') FROM done
RETURNING machine_id, kind, data`;

interface EventRow {
  machine_id: string;
  kind: string;
  data: Record<string, unknown>;
}

function toRow(
  m: RemoteMachine,
  target: SyncTarget,
  userTags: Map<string, Record<string, string>>,
): CopyValue[] {
  const cost = machineCost({
    provider: target.provider,
    size: m.size,
    location: m.location,
    state: m.state,
    rawState: m.rawState,
    tags: { ...m.tags, ...userTags.get(m.externalId) },
    providerMonthly: m.costMonthly,
    providerHourly: m.costHourly,
    cloudOverrideMonthly: target.costOverrideMonthly,
  });
  return [
    m.externalId,
    m.name,
    m.state,
    m.rawState,
    m.size,
    m.image,
    m.location,
    m.publicIps,
    m.privateIps,
    m.tags,
    m.extra,
    m.createdAt,
    cost.hourly,
    cost.monthly,
    cost.currency,
    cost.source,
    cost.unknownReason,
  ];
}

/** User-set cost_per_month tags, by externalId, so the poll's cost matches what people set. */
async function loadUserCostTags(db: Database, cloudId: string): Promise<Map<string, Record<string, string>>> {
  const { rows } = await db.pool.query<{ external_id: string; value: string }>(
    `SELECT m.external_id, t.value FROM tags t JOIN machines m ON m.id = t.resource_id
     WHERE t.resource_kind = 'machine' AND t.key = $2 AND m.cloud_id = $1`,
    [cloudId, COST_TAG],
  );
  return new Map(rows.map((r) => [r.external_id, { [COST_TAG]: r.value }]));
}

/**
 * Diffs a complete provider listing against the stored machines and applies the difference
 * in one transaction: new rows, changed fields, vanished machines marked missing, one history
 * event per change to a known machine. When nothing changed nothing is written.
 *
 * The listing streams into the transaction (COPY) while the provider is still being read, so a
 * poll pays for listing and writing side by side and never holds the whole account in memory.
 * Nothing is committed unless the listing completed: a provider failing or aborted halfway
 * rolls everything back, and no machine goes missing for it.
 */
export async function syncMachines(
  db: Database,
  target: SyncTarget,
  machines: Listing<RemoteMachine>,
  options: ListingOptions = {},
): Promise<MachineSyncResult> {
  const userTags = await loadUserCostTags(db, target.cloudId);
  const client = await db.pool.connect();
  const rows = () => listedRows(machines, (m) => toRow(m, target, userTags), options);
  try {
    await client.query('BEGIN');
    // One poll of a cloud at a time, even across workers; the lock ends with the transaction.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sync:machines:${target.cloudId}`]);
    const known = await client.query('SELECT 1 FROM machines WHERE cloud_id = $1 LIMIT 1', [target.cloudId]);
    if (known.rowCount === 0) return await firstSync(db, client, target, rows());
    await client.query(INCOMING_TABLE);
    const seen = await copyRows(client, 'incoming_machines', COLUMNS, rows());
    await client.query('CREATE INDEX ON incoming_machines (external_id)');
    await client.query('ANALYZE incoming_machines');
    const params = [target.cloudId, target.organizationId];
    const created = (await client.query<EventRow>(INSERT_NEW, params)).rows;
    const changed = (await client.query<EventRow>(UPDATE_CHANGED, params)).rows;
    const missing = (await client.query<EventRow>(MARK_MISSING, [...params, target.listedAt ?? null])).rows;
    const terminated = (await client.query<EventRow>(MARK_TERMINATED, [...params, target.missingGraceHours]))
      .rows;
    await client.query('COMMIT');
    // A large import leaves the planner blind until autovacuum notices; the list queries
    // would pick bad plans for minutes. Refresh the statistics now instead.
    if (created.length + missing.length > BULK_CHANGE) refreshStatistics(db);
    const events = [...created, ...changed, ...missing, ...terminated].map((r) => ({
      machineId: r.machine_id,
      kind: r.kind,
      data: r.data,
    }));
    return {
      seen,
      created: created.length,
      updated: new Set(changed.map((r) => r.machine_id)).size,
      missing: missing.length,
      terminated: terminated.length,
      events,
      summarized: false,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The first poll of a cloud has nothing to diff against: the rows stream straight into
 * machines with COPY. Their `created` events are read back only when few enough to publish one
 * by one. Runs inside the caller's transaction.
 */
async function firstSync(
  db: Database,
  client: PoolClient,
  target: SyncTarget,
  rows: AsyncIterable<CopyValue[]>,
): Promise<MachineSyncResult> {
  const seen = await copyRows(client, 'machines', ['organization_id', 'cloud_id', ...COLUMNS], rows, [
    target.organizationId,
    target.cloudId,
  ]);
  const detailed = seen <= DETAILED_EVENT_LIMIT;
  const created = detailed
    ? await client.query<EventRow>(
        `SELECT id AS machine_id, 'created' AS kind, ${createdEvent} AS data FROM machines WHERE cloud_id = $1`,
        [target.cloudId],
      )
    : { rows: [] };
  await client.query('COMMIT');
  if (seen > BULK_CHANGE) refreshStatistics(db);
  return {
    seen,
    created: seen,
    updated: 0,
    missing: 0,
    terminated: 0,
    events: created.rows.map((r) => ({ machineId: r.machine_id, kind: r.kind, data: r.data })),
    summarized: !detailed,
  };
}
