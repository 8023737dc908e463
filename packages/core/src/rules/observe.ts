import type { RuleCondition, RuleTarget } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { targetCondition } from './targets';

/** What one evaluation saw of one subject (a machine id, or "" for the organization as a whole). */
export interface Observation {
  subject: string;
  match: boolean;
  value: number | null;
  /** Words for the notification: "cpu avg over 5 min is 97.2 (> 90)". */
  detail: string;
}

const compare = (value: number, op: string, threshold: number) =>
  op === '>'
    ? value > threshold
    : op === '>='
      ? value >= threshold
      : op === '<'
        ? value < threshold
        : value <= threshold;

const AGGREGATES = {
  avg: 'avg(s.value)',
  max: 'max(s.value)',
  min: 'min(s.value)',
  last: '(array_agg(s.value ORDER BY s.time DESC))[1]',
} as const;

const duration = (seconds: number) =>
  seconds % 86400 === 0
    ? `${seconds / 86400} d`
    : seconds % 3600 === 0
      ? `${seconds / 3600} h`
      : seconds % 60 === 0
        ? `${seconds / 60} min`
        : `${seconds} s`;

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * One query per rule, whatever the number of machines: the condition is computed in Postgres for
 * every targeted machine at once. Machines that are not observed (a metric with no samples in the
 * window) are left out: neither matching nor clearing.
 */
export async function observe(
  db: Database,
  organizationId: string,
  target: RuleTarget,
  condition: RuleCondition,
  now: Date,
): Promise<Observation[]> {
  const params: unknown[] = [organizationId];
  const where = targetCondition(target, params);
  const machines = `SELECT m.* FROM machines m WHERE m.organization_id = $1 AND ${where}`;
  switch (condition.kind) {
    case 'metric': {
      params.push(condition.metric, new Date(now.getTime() - condition.windowSeconds * 1000), now);
      const n = params.length;
      // Several series (disk mounts): the worst one decides.
      const worst = condition.operator.startsWith('<') ? 'min' : 'max';
      const res = await db.pool.query<{ machine_id: string; value: number }>(
        `WITH t AS (${machines} AND m.monitoring_enabled AND m.state <> 'terminated'),
              per_series AS (
                SELECT s.machine_id, s.series, ${AGGREGATES[condition.aggregate]} AS v
                  FROM metric_samples s JOIN t ON t.id = s.machine_id
                 WHERE s.organization_id = $1 AND s.metric = $${n - 2} AND s.time > $${n - 1} AND s.time <= $${n}
                 GROUP BY s.machine_id, s.series)
         SELECT machine_id, ${worst}(v) AS value FROM per_series GROUP BY machine_id`,
        params,
      );
      return res.rows.map((r) => ({
        subject: r.machine_id,
        value: round(r.value),
        match: compare(r.value, condition.operator, condition.threshold),
        detail: `${condition.metric} ${condition.aggregate} over ${duration(condition.windowSeconds)} is ${round(r.value)} (threshold ${condition.operator} ${condition.threshold})`,
      }));
    }
    case 'no_data': {
      params.push(new Date(now.getTime() - condition.forSeconds * 1000));
      const since = `$${params.length}`;
      // Stopped machines are not read, so their silence is expected.
      const res = await db.pool.query<{ id: string; fresh: boolean; last: Date | null; young: boolean }>(
        `SELECT t.id,
                EXISTS (SELECT 1 FROM metric_samples s
                         WHERE s.machine_id = t.id AND s.metric IN ('cpu', 'load1', 'memory') AND s.time > ${since}) AS fresh,
                coalesce(t.monitoring_since > ${since}, false) AS young
           FROM (${machines} AND m.monitoring_enabled AND m.state NOT IN ('terminated', 'missing', 'stopped')) t`,
        params,
      );
      return res.rows.map((r) => ({
        subject: r.id,
        value: null,
        match: !r.fresh && !r.young,
        detail: r.fresh
          ? 'metrics arrive again'
          : `no metrics for more than ${duration(condition.forSeconds)}`,
      }));
    }
    case 'state': {
      params.push(condition.states);
      const states = `$${params.length}`;
      const res = await db.pool.query<{ id: string; state: string; since: Date }>(
        `SELECT t.id, t.state::text AS state,
                coalesce(CASE WHEN t.state = 'missing' THEN t.missing_since END,
                         (SELECT max(e.created_at) FROM machine_events e
                           WHERE e.machine_id = t.id AND e.kind = 'state_changed'),
                         t.created_at) AS since
           FROM (${machines} AND (m.state <> 'terminated' OR 'terminated' = ANY(${states}::text[]))) t`,
        params,
      );
      return res.rows.map((r) => {
        const seconds = Math.max(0, (now.getTime() - r.since.getTime()) / 1000);
        const match = condition.states.includes(r.state as never) && seconds >= condition.forSeconds;
        return {
          subject: r.id,
          value: Math.round(seconds),
          match,
          detail: `the machine is ${r.state}${match ? ` for ${duration(Math.round(seconds))}` : ''}`,
        };
      });
    }
    case 'budget': {
      // Team or tag spend against a budget: the target narrows the machines (a tag), the team
      // (when named) to those its members created; no budget set, nothing is observed.
      const teamId = condition.teamId ?? null;
      params.push(teamId);
      const team = `$${params.length}::uuid`;
      const res = await db.pool.query<{ budget: string | null; spend: string }>(
        `SELECT (SELECT g.monthly_budget FROM governance_limits g
                  WHERE g.organization_id = $1 AND g.team_id IS NOT DISTINCT FROM ${team})::text AS budget,
                coalesce(sum(t.cost_monthly), 0)::text AS spend
           FROM (${machines} AND m.state NOT IN ('terminated', 'missing')
                 AND (${team} IS NULL OR m.created_by_id IN
                      (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = ${team}))) t`,
        params,
      );
      const row = res.rows[0];
      if (!row?.budget || Number(row.budget) <= 0) return [];
      const share = round((Number(row.spend) / Number(row.budget)) * 100);
      return [
        {
          subject: '',
          value: share,
          match: share > condition.percent,
          detail: `spend is ${round(Number(row.spend))} USD a month, ${share}% of the ${round(Number(row.budget))} USD budget (threshold ${condition.percent}%)`,
        },
      ];
    }
    case 'cost': {
      const res = await db.pool.query<{ id: string; cost: string | null; currency: string }>(
        `SELECT t.id, t.cost_monthly AS cost, t.cost_currency AS currency
           FROM (${machines} AND m.state NOT IN ('terminated', 'missing')) t`,
        params,
      );
      if (condition.scope === 'total') {
        const total = round(res.rows.reduce((a, r) => a + Number(r.cost ?? 0), 0));
        const currency = res.rows[0]?.currency ?? 'USD';
        return [
          {
            subject: '',
            value: total,
            match: total > condition.threshold,
            detail: `the targeted machines cost ${total} ${currency} a month (threshold ${condition.threshold})`,
          },
        ];
      }
      return res.rows
        .filter((r) => r.cost !== null)
        .map((r) => ({
          subject: r.id,
          value: Number(r.cost),
          match: Number(r.cost) > condition.threshold,
          detail: `the machine costs ${Number(r.cost)} ${r.currency} a month (threshold ${condition.threshold})`,
        }));
    }
  }
}
