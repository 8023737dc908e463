import type { CostSummary } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { allowedIds, type Principal, policyFilter } from '../authz';

// Machines that cost money now: everything the provider still lists, not terminated or missing.
const LIVE = `m.organization_id = $1 AND m.state NOT IN ('terminated', 'missing')`;

const TAGS = `(m.provider_tags || coalesce((SELECT jsonb_object_agg(t.key, t.value) FROM tags t
               WHERE t.resource_kind = 'machine' AND t.resource_id = m.id), '{}'::jsonb))`;

/** Monthly run-rate: total, by cloud and by tag. */
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
  const clouds = who ? policyFilter(who, 'clouds', 'read', 'c', bind) : null;
  const live = machines ? `${LIVE} AND ${machines}` : LIVE;
  const [byCloud, byTag] = await Promise.all([
    db.pool.query<{ cloud_id: string; title: string; provider: string; monthly: string; machines: number }>(
      `SELECT c.id AS cloud_id, c.title, c.provider::text AS provider,
              coalesce(sum(m.cost_monthly) FILTER (WHERE ${live}), 0)::text AS monthly,
              count(m.id) FILTER (WHERE ${live})::int AS machines
       FROM clouds c LEFT JOIN machines m ON m.cloud_id = c.id
       WHERE c.organization_id = $1 GROUP BY c.id
       ${clouds || machines ? `HAVING (${clouds ?? 'false'}) OR count(m.id) FILTER (WHERE ${live}) > 0` : ''}
       ORDER BY sum(m.cost_monthly) DESC NULLS LAST, c.title`,
      params,
    ),
    db.pool.query<{ key: string; value: string; monthly: string; machines: number }>(
      `SELECT tag.key, tag.value, coalesce(sum(m.cost_monthly), 0)::text AS monthly, count(*)::int AS machines
       FROM machines m CROSS JOIN LATERAL jsonb_each_text(${TAGS}) AS tag(key, value)
       WHERE ${live} AND tag.key <> 'cost_per_month'
       GROUP BY tag.key, tag.value ORDER BY sum(m.cost_monthly) DESC NULLS LAST, tag.key, tag.value LIMIT 200`,
      params,
    ),
  ]);
  const money = (s: string) => Number(s).toFixed(2);
  const total = byCloud.rows.reduce((sum, r) => sum + Number(r.monthly), 0);
  return {
    currency: 'USD',
    totalMonthly: total.toFixed(2),
    byCloud: byCloud.rows.map((r) => ({
      cloudId: r.cloud_id,
      title: r.title,
      provider: r.provider,
      monthly: money(r.monthly),
      machines: r.machines,
    })),
    byTag: byTag.rows.map((r) => ({
      key: r.key,
      value: r.value,
      monthly: money(r.monthly),
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
            coalesce((SELECT sum(m.cost_monthly) FROM machines m WHERE m.cloud_id = c.id AND m.state NOT IN ('terminated', 'missing')), 0),
            coalesce((SELECT sum(v.cost_monthly) FROM volumes v WHERE v.cloud_id = c.id AND v.missing_since IS NULL), 0),
            (SELECT count(*) FROM machines m WHERE m.cloud_id = c.id AND m.state NOT IN ('terminated', 'missing'))
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
