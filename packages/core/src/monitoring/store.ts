import type { Database } from '@overcast/db';
import type { MetricValue } from './metrics';

export interface SampleRow extends MetricValue {
  time: Date;
  organizationId: string;
  machineId: string;
}

/** Rows per statement: large enough to amortise the round trip, small enough for one message. */
const CHUNK = 5_000;

/**
 * Appends samples with one INSERT ... SELECT FROM unnest(arrays) per chunk: seven parameters
 * whatever the row count, so there is no parameter limit and no per-row statement cost.
 */
export async function insertSamples(db: Database, rows: readonly SampleRow[]): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await db.pool.query(
      `INSERT INTO metric_samples (time, organization_id, machine_id, metric, series, value)
       SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::float8[])`,
      [
        part.map((r) => r.time),
        part.map((r) => r.organizationId),
        part.map((r) => r.machineId),
        part.map((r) => r.metric),
        part.map((r) => r.series),
        part.map((r) => r.value),
      ],
    );
  }
  return rows.length;
}

/**
 * Recomputes the hourly rollups of every hour touched since `since` (whole hours, so a rerun
 * gives the same rows). Long-range graphs read these instead of the raw samples.
 */
export async function rollupSamples(db: Database, since: Date): Promise<number> {
  const res = await db.pool.query(
    `INSERT INTO metric_rollups (bucket, organization_id, machine_id, metric, series, min, max, avg, count)
     SELECT date_trunc('hour', time), organization_id, machine_id, metric, series,
            min(value), max(value), avg(value), count(*)
       FROM metric_samples
      WHERE time >= date_trunc('hour', $1::timestamptz)
      GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (machine_id, metric, series, bucket) DO UPDATE
       SET min = excluded.min, max = excluded.max, avg = excluded.avg, count = excluded.count`,
    [since],
  );
  return res.rowCount ?? 0;
}

/** Retention: raw samples and rollups past their age are deleted (the BRIN index finds them cheaply). */
export async function pruneSamples(
  db: Database,
  retention: { rawRetentionDays: number; rollupRetentionDays: number },
  now = new Date(),
): Promise<{ samples: number; rollups: number }> {
  const day = 86_400_000;
  const samples = await db.pool.query('DELETE FROM metric_samples WHERE time < $1', [
    new Date(now.getTime() - retention.rawRetentionDays * day),
  ]);
  const rollups = await db.pool.query('DELETE FROM metric_rollups WHERE bucket < $1', [
    new Date(now.getTime() - retention.rollupRetentionDays * day),
  ]);
  return { samples: samples.rowCount ?? 0, rollups: rollups.rowCount ?? 0 };
}
