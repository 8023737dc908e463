import type { CostMover, CostReport, CostReportGroup } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../../authz';
import { HOURS_PER_MONTH } from '../compute';
import { addDays, type CostGrouping, groupingName, isoDay, periodsOf, type ReportRange } from './query';

// Spend is read from the daily snapshot rows (cost_snapshot_items): each row is one billed
// machine's or volume's monthly run-rate that day, so a day's spend is that run-rate's share of a
// day (24 of the month's HOURS_PER_MONTH hours, as prices are converted everywhere). A day with no
// snapshot adds nothing. Each (period, group) cell is rounded to cents once, and every total is a
// sum of cells, so the groups always add up to the totals.

/** The month-over-month windows: the 30 days ending at `to`, and the 30 before. */
const WINDOW_DAYS = 30;
const MOVERS = 8;

const cents = (s: string | number) => Math.round(Number(s) * 100);
const money = (c: number) => (c / 100).toFixed(2);

/** A query's parameters and the snapshot rows the caller may read, as `i`. */
function scope(organizationId: string, caller: Principal | undefined) {
  const params: unknown[] = [organizationId];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // The policy SQL reads `alias.id`, `alias.cloud_id` and `alias.provider_tags`, which the items
  // carry under those names: a member sees the spend of the machines and volumes they may read.
  const who = caller ? { ...caller, organizationId } : null;
  const machines = who ? policyFilter(who, 'machines', 'read', 'i', bind) : null;
  const volumes = who ? policyFilter(who, 'volumes', 'read', 'i', bind) : null;
  const visible =
    machines || volumes
      ? `((i.resource_kind = 'machine' AND ${machines ?? 'true'}) OR (i.resource_kind = 'volume' AND ${volumes ?? 'true'}))`
      : 'true';
  const items = `(SELECT s.resource_id AS id, s.cloud_id, s.provider_tags, s.resource_kind, s.day, s.monthly, s.tags,
                         s.owner_id, s.team_id
                  FROM cost_snapshot_items s WHERE s.organization_id = $1) i`;
  return { params, bind, visible, items };
}

function groupKey(g: CostGrouping, bind: (v: unknown) => string): string {
  switch (g.by) {
    case 'cloud':
      return 'i.cloud_id::text';
    case 'team':
      return `coalesce(i.team_id::text, '')`;
    case 'owner':
      return `coalesce(i.owner_id::text, '')`;
    case 'tag':
      return `coalesce(i.tags ->> ${bind(g.key)}, '')`;
  }
}

/** What each group is called: the cloud's title, the team's name, the owner's name or email, the tag value. */
async function labelsOf(
  db: Database,
  organizationId: string,
  g: CostGrouping,
  keys: string[],
): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const ids = keys.filter((k) => k !== '');
  const none = { cloud: '', team: '(no team)', owner: '(no owner)', tag: '(untagged)' }[g.by];
  labels.set('', none);
  if (g.by === 'tag') {
    for (const k of ids) labels.set(k, k);
    return labels;
  }
  const gone = { cloud: '(deleted cloud)', team: '(deleted team)', owner: '(former member)' }[g.by];
  const sql = {
    cloud:
      'SELECT id::text AS id, title AS label FROM clouds WHERE organization_id = $1 AND id = ANY($2::uuid[])',
    team: 'SELECT id::text AS id, name AS label FROM teams WHERE organization_id = $1 AND id = ANY($2::uuid[])',
    owner: `SELECT u.id::text AS id, coalesce(nullif(u.name, ''), u.email) AS label
            FROM users u JOIN memberships ms ON ms.user_id = u.id AND ms.organization_id = $1
            WHERE u.id = ANY($2::uuid[])`,
  }[g.by];
  const { rows } = await db.pool.query<{ id: string; label: string }>(sql, [organizationId, ids]);
  for (const r of rows) labels.set(r.id, r.label);
  for (const k of ids) if (!labels.has(k)) labels.set(k, gone);
  return labels;
}

const change = (current: number, previous: number) => ({
  current: money(current),
  previous: money(previous),
  change: money(current - previous),
  changePercent: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10,
});

/**
 * Spend over a range by day or month, grouped by cloud, tag value, team or owner, with each
 * group's month-over-month change and the biggest movers. Only what the caller may read counts.
 */
export async function costReport(
  db: Database,
  organizationId: string,
  range: ReportRange,
  caller?: Principal,
): Promise<CostReport> {
  const periods = periodsOf(range);
  const period = range.granularity === 'day' ? `to_char(i.day, 'YYYY-MM-DD')` : `to_char(i.day, 'YYYY-MM')`;
  const to = new Date(`${range.to}T00:00:00Z`);
  // Exact decimals: 24 and HOURS_PER_MONTH are integers, so the day's share is computed in numeric.
  const share = `24 / ${HOURS_PER_MONTH}::numeric`;
  // Each query binds only the parameters it uses (Postgres must type every one).
  const cellsQuery = () => {
    const { params, bind, visible, items } = scope(organizationId, caller);
    const key = groupKey(range.groupBy, bind);
    return db.pool.query<{ period: string; key: string; cents: string }>(
      `SELECT ${period} AS period, ${key} AS key, round(sum(i.monthly) * ${share} * 100)::text AS cents
       FROM ${items}
       WHERE i.day BETWEEN ${bind(range.from)}::date AND ${bind(range.to)}::date AND ${visible}
       GROUP BY 1, 2`,
      params,
    );
  };
  const monthsQuery = () => {
    const { params, bind, visible, items } = scope(organizationId, caller);
    const key = groupKey(range.groupBy, bind);
    const currentFrom = bind(isoDay(addDays(to, -(WINDOW_DAYS - 1))));
    const previousTo = bind(isoDay(addDays(to, -WINDOW_DAYS)));
    return db.pool.query<{ key: string; current: string; previous: string }>(
      `SELECT ${key} AS key,
              round(coalesce(sum(i.monthly) FILTER (WHERE i.day >= ${currentFrom}::date), 0) * ${share} * 100)::text AS current,
              round(coalesce(sum(i.monthly) FILTER (WHERE i.day <= ${previousTo}::date), 0) * ${share} * 100)::text AS previous
       FROM ${items}
       WHERE i.day BETWEEN ${bind(isoDay(addDays(to, -(2 * WINDOW_DAYS - 1))))}::date AND ${bind(range.to)}::date
         AND ${visible}
       GROUP BY 1`,
      params,
    );
  };
  const [cells, mom] = await Promise.all([cellsQuery(), monthsQuery()]);

  const index = new Map(periods.map((p, n) => [p, n]));
  const series = new Map<string, number[]>();
  for (const c of cells.rows) {
    const row = series.get(c.key) ?? periods.map(() => 0);
    const n = index.get(c.period);
    if (n !== undefined) row[n] = (row[n] ?? 0) + Number(c.cents);
    series.set(c.key, row);
  }
  const months = new Map(
    mom.rows.map((r) => [r.key, { current: Number(r.current), previous: Number(r.previous) }]),
  );
  const labels = await labelsOf(db, organizationId, range.groupBy, [
    ...new Set([...series.keys(), ...months.keys()]),
  ]);
  const labelOf = (k: string) => labels.get(k) ?? k;

  const groups: CostReportGroup[] = [...series.entries()]
    .map(([k, row]) => {
      const m = months.get(k) ?? { current: 0, previous: 0 };
      return {
        key: k,
        label: labelOf(k),
        total: money(row.reduce((a, b) => a + b, 0)),
        series: row.map(money),
        ...change(m.current, m.previous),
      };
    })
    .sort((a, b) => cents(b.total) - cents(a.total) || a.label.localeCompare(b.label));
  const totals = periods.map((_, n) => [...series.values()].reduce((sum, row) => sum + (row[n] ?? 0), 0));
  const movers: CostMover[] = [...months.entries()]
    .filter(([, m]) => m.current !== m.previous)
    .sort(([, a], [, b]) => Math.abs(b.current - b.previous) - Math.abs(a.current - a.previous))
    .slice(0, MOVERS)
    .map(([k, m]) => ({ key: k, label: labelOf(k), ...change(m.current, m.previous) }));

  return {
    currency: 'USD',
    from: range.from,
    to: range.to,
    groupBy: groupingName(range.groupBy),
    granularity: range.granularity,
    periods,
    totals: totals.map(money),
    total: money(totals.reduce((a, b) => a + b, 0)),
    groups,
    movers,
  };
}
