import type { CostSummary } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { allowedIds, type Principal, policyFilter } from '../authz';
import { tagsExpression } from '../authz/resources';
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
 * cost history can be charted day by day, and each billed machine's and volume's share of it with
 * the tags, owner and team the cost report groups by. Both come from the prices stored on the
 * rows (BILLED_MACHINE, BILLED_VOLUME), so the report's totals are the cloud totals.
 */
export async function snapshotCosts(db: Database, day = new Date()): Promise<number> {
  const date = day.toISOString().slice(0, 10);
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO cost_snapshots (organization_id, cloud_id, day, machines_monthly, volumes_monthly, machine_count)
       SELECT c.organization_id, c.id, $1::date,
              coalesce((SELECT sum(m.cost_monthly) FROM machines m WHERE m.cloud_id = c.id AND ${BILLED_MACHINE}), 0),
              coalesce((SELECT sum(v.cost_monthly) FROM volumes v WHERE v.cloud_id = c.id AND ${BILLED_VOLUME}), 0),
              (SELECT count(*) FROM machines m WHERE m.cloud_id = c.id AND ${BILLED_MACHINE})
       FROM clouds c
       ON CONFLICT (cloud_id, day) DO UPDATE SET machines_monthly = EXCLUDED.machines_monthly,
         volumes_monthly = EXCLUDED.volumes_monthly, machine_count = EXCLUDED.machine_count`,
      [date],
    );
    // A re-run replaces the day's rows: a resource gone since the last run is no longer in it.
    await client.query('DELETE FROM cost_snapshot_items WHERE day = $1::date', [date]);
    await client.query(
      `WITH billed AS (
         SELECT m.organization_id, m.cloud_id, 'machine' AS kind, m.id, m.name, m.cost_monthly AS monthly,
                ${tagsExpression('machines', 'm')} AS tags, coalesce(m.provider_tags, '{}'::jsonb) AS provider_tags,
                m.created_by_id AS owner_id
         FROM machines m WHERE ${BILLED_MACHINE} AND m.cost_monthly IS NOT NULL
         UNION ALL
         -- A volume belongs to whoever created the machine it is attached to.
         SELECT v.organization_id, v.cloud_id, 'volume', v.id, v.name, v.cost_monthly,
                ${tagsExpression('volumes', 'v')}, coalesce(v.provider_tags, '{}'::jsonb),
                (SELECT m.created_by_id FROM machines m
                  WHERE m.cloud_id = v.cloud_id AND m.external_id = ANY(v.attached_to) AND m.created_by_id IS NOT NULL
                  ORDER BY m.external_id LIMIT 1)
         FROM volumes v WHERE ${BILLED_VOLUME} AND v.cost_monthly IS NOT NULL
       )
       INSERT INTO cost_snapshot_items (organization_id, cloud_id, day, resource_kind, resource_id, name, monthly,
                                        tags, provider_tags, owner_id, team_id)
       SELECT b.organization_id, b.cloud_id, $1::date, b.kind, b.id, b.name, b.monthly, b.tags, b.provider_tags,
              b.owner_id,
              -- One team per row, so the team breakdown adds up to the total: the owner's first by name.
              (SELECT tm.team_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
                WHERE tm.user_id = b.owner_id AND tm.organization_id = b.organization_id
                ORDER BY t.name, t.id LIMIT 1)
       FROM billed b`,
      [date],
    );
    await client.query('COMMIT');
    return rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
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
