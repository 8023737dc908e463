import type { CostSummary } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { allowedIds, type Principal, policyFilter } from '../authz';
import { BILLED_MACHINE, BILLED_VOLUME, type CloudRunRate, cloudRunRates, totalOf } from './run-rate';

const TAGS = `(m.provider_tags || coalesce((SELECT jsonb_object_agg(t.key, t.value) FROM tags t
               WHERE t.resource_kind = 'machine' AND t.resource_id = m.id), '{}'::jsonb))`;

/** Monthly run-rate: total (machines and volumes), by cloud, by tag, and why some have no price. */
export async function costSummary(
  db: Database,
  organizationId: string,
  /** A caller limited by team policies sees the cost of what they may see. */
  caller?: Principal,
): Promise<CostSummary> {
  const params: unknown[] = [organizationId];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const who = caller ? { ...caller, organizationId } : null;
  const machines = who ? policyFilter(who, 'machines', 'read', 'm', bind) : null;
  const live = `m.organization_id = $1 AND ${BILLED_MACHINE}${machines ? ` AND ${machines}` : ''}`;
  const [byCloud, byTag, unpriced] = await Promise.all([
    cloudRunRates(db, organizationId, { caller }),
    db.pool.query<{ key: string; value: string; monthly: string; machines: number }>(
      `SELECT tag.key, tag.value, coalesce(sum(m.cost_monthly), 0)::text AS monthly, count(*)::int AS machines
       FROM machines m CROSS JOIN LATERAL jsonb_each_text(${TAGS}) AS tag(key, value)
       WHERE ${live} AND tag.key <> 'cost_per_month'
       GROUP BY tag.key, tag.value ORDER BY sum(m.cost_monthly) DESC NULLS LAST, tag.key, tag.value LIMIT 200`,
      params,
    ),
    db.pool.query<{ reason: string; machines: number }>(
      `SELECT coalesce(m.price_unknown_reason, 'no price known') AS reason, count(*)::int AS machines
       FROM machines m WHERE ${live} AND m.cost_monthly IS NULL
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
      params,
    ),
  ]);
  const sum = (pick: (r: CloudRunRate) => string) => totalOf(byCloud.map((r) => ({ monthly: pick(r) })));
  return {
    currency: 'USD',
    totalMonthly: totalOf(byCloud),
    machinesMonthly: sum((r) => r.machinesMonthly),
    volumesMonthly: sum((r) => r.volumesMonthly),
    unpricedMachines: byCloud.reduce((n, r) => n + r.unpricedMachines, 0),
    unpricedVolumes: byCloud.reduce((n, r) => n + r.unpricedVolumes, 0),
    unpricedReasons: unpriced.rows,
    byCloud,
    byTag: byTag.rows.map((r) => ({
      key: r.key,
      value: r.value,
      monthly: Number(r.monthly).toFixed(2),
      machines: r.machines,
    })),
  };
}

/**
 * Records today's run-rate per cloud (re-run during the day, the latest value wins), so the
 * cost history can be charted day by day.
 */
export async function snapshotCosts(db: Database, day = new Date()): Promise<number> {
  const { rowCount } = await db.pool.query(
    `INSERT INTO cost_snapshots (organization_id, cloud_id, day, machines_monthly, volumes_monthly, machine_count)
     SELECT c.organization_id, c.id, $1::date,
            coalesce((SELECT sum(m.cost_monthly) FROM machines m WHERE m.cloud_id = c.id AND ${BILLED_MACHINE}), 0),
            coalesce((SELECT sum(v.cost_monthly) FROM volumes v WHERE v.cloud_id = c.id AND ${BILLED_VOLUME}), 0),
            (SELECT count(*) FROM machines m WHERE m.cloud_id = c.id AND ${BILLED_MACHINE})
     FROM clouds c
     ON CONFLICT (cloud_id, day) DO UPDATE SET machines_monthly = EXCLUDED.machines_monthly,
       volumes_monthly = EXCLUDED.volumes_monthly, machine_count = EXCLUDED.machine_count`,
    [day.toISOString().slice(0, 10)],
  );
  return rowCount ?? 0;
}

export async function costHistory(db: Database, organizationId: string, days: number, caller?: Principal) {
  // Snapshots are per cloud: a caller limited by team policies sees the clouds they may read.
  const clouds = caller ? await allowedIds(db, organizationId, caller, 'clouds') : null;
  const { rows } = await db.pool.query<{ day: string; monthly: string }>(
    `SELECT d.day::date::text AS day, coalesce(sum(s.machines_monthly + s.volumes_monthly), 0)::text AS monthly
     FROM generate_series(current_date - ($2::int - 1), current_date, interval '1 day') AS d(day)
     LEFT JOIN cost_snapshots s ON s.day = d.day::date AND s.organization_id = $1
       ${clouds ? 'AND s.cloud_id = ANY($3::uuid[])' : ''}
     GROUP BY d.day ORDER BY d.day`,
    clouds ? [organizationId, days, clouds] : [organizationId, days],
  );
  return { currency: 'USD', days: rows.map((r) => ({ day: r.day, monthly: Number(r.monthly).toFixed(2) })) };
}
