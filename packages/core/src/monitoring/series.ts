import type { Database } from '@overcast/db';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import type { MetricName } from './metrics';

export const MAX_POINTS = 500;
const HOUR = 3600;

export interface SeriesPoint {
  t: string;
  avg: number;
  min: number;
  max: number;
}
export interface MetricSeriesResult {
  metric: MetricName;
  from: string;
  to: string;
  stepSeconds: number;
  source: 'raw' | 'rollup';
  series: { name: string; points: SeriesPoint[] }[];
}

/** A step that gives at most MAX_POINTS buckets, rounded to a readable size. */
export function stepFor(rangeSeconds: number, minStep: number): number {
  const raw = Math.max(minStep, Math.ceil(rangeSeconds / MAX_POINTS));
  const nice = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  return nice.find((n) => n >= raw) ?? Math.ceil(raw / 86400) * 86400;
}

/**
 * One metric of one machine over a range, bucketed on the server to at most ~500 points per
 * series. Steps of an hour or more read the hourly rollups; shorter ones the raw samples.
 */
export async function metricSeries(
  db: Database,
  organizationId: string,
  machineId: string,
  query: { metric: MetricName; from: Date; to: Date },
): Promise<MetricSeriesResult> {
  const { metric, from, to } = query;
  const range = (to.getTime() - from.getTime()) / 1000;
  if (!(range > 0)) {
    throw new DomainError('invalid', 'validation_failed', '"from" must be before "to".');
  }
  if (range > 400 * 86400) {
    throw new DomainError('invalid', 'validation_failed', 'A range can cover at most 400 days.');
  }
  await repos(db).machines.getInOrg(organizationId, machineId);
  const step = stepFor(range, 10);
  const rollup = step >= HOUR;
  // Rollups are refreshed every few minutes for the last two hours, so those hours are read
  // from the raw samples: a long graph always reaches the present.
  const recent = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000);
  const sql = rollup
    ? `WITH hourly AS (
         SELECT series, bucket, avg, min, max, count
           FROM metric_rollups
          WHERE machine_id = $1 AND organization_id = $2 AND metric = $3
            AND bucket >= $4 AND bucket < least($6::timestamptz, $7::timestamptz)
         UNION ALL
         SELECT series, date_trunc('hour', time), avg(value), min(value), max(value), count(*)
           FROM metric_samples
          WHERE machine_id = $1 AND organization_id = $2 AND metric = $3
            AND time >= greatest($4::timestamptz, $7::timestamptz) AND time < $6
          GROUP BY 1, 2)
       SELECT series, to_timestamp(floor(extract(epoch FROM bucket) / $5) * $5) AS t,
              sum(avg * count) / sum(count) AS avg, min(min) AS min, max(max) AS max
         FROM hourly GROUP BY 1, 2 ORDER BY 1, 2`
    : `SELECT series, to_timestamp(floor(extract(epoch FROM time) / $5) * $5) AS t,
              avg(value) AS avg, min(value) AS min, max(value) AS max
         FROM metric_samples
        WHERE machine_id = $1 AND organization_id = $2 AND metric = $3
          AND time >= $4 AND time < $6
        GROUP BY 1, 2 ORDER BY 1, 2`;
  // Rollup buckets start on the hour: widen the start so the first partial hour is included.
  const start = rollup ? new Date(Math.floor(from.getTime() / 3_600_000) * 3_600_000) : from;
  const res = await db.pool.query<{ series: string; t: Date; avg: number; min: number; max: number }>(
    sql,
    rollup
      ? [machineId, organizationId, metric, start, step, to, recent]
      : [machineId, organizationId, metric, start, step, to],
  );
  const bySeries = new Map<string, SeriesPoint[]>();
  for (const row of res.rows) {
    let points = bySeries.get(row.series);
    if (!points) {
      points = [];
      bySeries.set(row.series, points);
    }
    points.push({ t: row.t.toISOString(), avg: Number(row.avg), min: row.min, max: row.max });
  }
  return {
    metric,
    from: from.toISOString(),
    to: to.toISOString(),
    stepSeconds: step,
    source: rollup ? 'rollup' : 'raw',
    series: [...bySeries].map(([name, points]) => ({ name, points })),
  };
}
