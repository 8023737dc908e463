// pnpm bench monitoring [--quick]
// Ingest: samples/s through insertSamples vs a raw multi-row INSERT of the same rows.
// Rule evaluation: one cycle over 10k monitored machines x 5 rules (target < 2 s).
// Graph: a 30-day series of one machine with 1-minute samples (target < 100 ms).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  insertSamples,
  type MetricName,
  metricSeries,
  rollupSamples,
  type SampleRow,
} from '@overcast/core/monitoring';
import { createNotifier } from '@overcast/core/notifications';
import { type EvaluationStats, evaluateRules, type RuleEffects } from '@overcast/core/rules';
import type { Database } from '@overcast/db';
import { createLogger, loadSettings, SecretBox } from '@overcast/runtime';
import { benchDatabase, fmt, percentile, table, time } from './_support';

const quick = process.argv.includes('--quick');
const MACHINES = quick ? 2_000 : 10_000;
const INGEST_ROWS = quick ? 50_000 : 200_000;

const settle = (db: Database) => db.pool.query('CHECKPOINT');

/** The baseline: the same rows as plain INSERT ... VALUES (...), (...) statements. */
async function rawInsert(db: Database, rows: SampleRow[]): Promise<void> {
  const CHUNK = 5_000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const values: unknown[] = [];
    const tuples = part.map((r, j) => {
      values.push(r.time, r.organizationId, r.machineId, r.metric, r.series, r.value);
      const b = j * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    await db.pool.query(
      `INSERT INTO metric_samples (time, organization_id, machine_id, metric, series, value) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

async function makeMachines(db: Database, organizationId: string, count: number): Promise<string[]> {
  const cloud = await db.prisma.cloud.create({
    data: { organizationId, provider: 'digitalocean', title: 'bench', credentials: Buffer.from('x') },
  });
  const res = await db.pool.query<{ id: string }>(
    `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, monitoring_enabled, monitoring_since, cost_monthly)
     SELECT $1, $2, 'm-' || g, 'machine-' || g,
            (CASE WHEN g % 50 = 0 THEN 'stopped' ELSE 'running' END)::"MachineState",
            true, now() - interval '1 day', (g % 200)::numeric
       FROM generate_series(1, $3) g
     RETURNING id`,
    [organizationId, cloud.id, count],
  );
  return res.rows.map((r) => r.id);
}

function sampleRows(organizationId: string, machineIds: string[], minutes: number, now: number): SampleRow[] {
  const rows: SampleRow[] = [];
  const metrics: MetricName[] = ['cpu', 'memory', 'load1', 'disk'];
  machineIds.forEach((machineId, i) => {
    for (let m = 0; m < minutes; m++) {
      const time = new Date(now - m * 60_000);
      for (const metric of metrics) {
        // 1% of machines run hot; the rest idle along.
        const value = metric === 'cpu' && i % 100 === 0 ? 97 : (i * 7 + m) % 80;
        rows.push({ time, organizationId, machineId, metric, series: metric === 'disk' ? '/' : '', value });
      }
    }
  });
  return rows;
}

async function benchIngest(db: Database): Promise<number> {
  const org = await db.prisma.organization.create({
    data: { name: 'ingest', slug: `ingest-${randomBytes(4).toString('hex')}` },
  });
  const machineIds = Array.from({ length: INGEST_ROWS / 20 }, () => randomUUID());
  const rows = sampleRows(org.id, machineIds, 5, Date.now() - 86_400_000).slice(0, INGEST_ROWS);
  const runs: { raw: number; ours: number }[] = [];
  for (let round = 0; round < 3; round++) {
    await db.pool.query('TRUNCATE metric_samples');
    await settle(db);
    const raw = await time(() => rawInsert(db, rows));
    await db.pool.query('TRUNCATE metric_samples');
    await settle(db);
    const ours = await time(() => insertSamples(db, rows));
    runs.push({ raw: raw.ms, ours: ours.ms });
  }
  await db.pool.query('TRUNCATE metric_samples');
  const raw = Math.min(...runs.map((r) => r.raw));
  const ours = Math.min(...runs.map((r) => r.ours));
  const rawRate = rows.length / (raw / 1000);
  const ourRate = rows.length / (ours / 1000);
  console.log(`\ningest: ${rows.length} samples (best of 3)`);
  table([
    ['', 'ms', 'samples/s'],
    ['raw multi-row INSERT', fmt(raw), fmt(rawRate, 0)],
    ['insertSamples (unnest)', fmt(ours), fmt(ourRate, 0)],
  ]);
  console.log(`ingest ratio (ours / raw): ${fmt(ourRate / rawRate, 2)}  (target >= 0.5)`);
  return ourRate / rawRate;
}

async function benchRules(db: Database): Promise<number> {
  const org = await db.prisma.organization.create({
    data: { name: 'rules', slug: `rules-${randomBytes(4).toString('hex')}` },
  });
  const ids = await makeMachines(db, org.id, MACHINES);
  await insertSamples(db, sampleRows(org.id, ids, 10, Date.now()));
  await db.pool.query('ANALYZE metric_samples; ANALYZE machines');
  const base = {
    organizationId: org.id,
    target: { kind: 'all' },
    actions: [{ kind: 'email' }],
    cooldownSeconds: 600,
  };
  const conditions = [
    {
      kind: 'metric',
      metric: 'cpu',
      aggregate: 'avg',
      windowSeconds: 300,
      operator: '>',
      threshold: 90,
      forEvaluations: 2,
    },
    { kind: 'metric', metric: 'disk', aggregate: 'max', windowSeconds: 600, operator: '>=', threshold: 79 },
    { kind: 'no_data', forSeconds: 300 },
    { kind: 'state', states: ['stopped'], forSeconds: 0 },
    { kind: 'cost', scope: 'machine', threshold: 195 },
  ];
  for (const [i, condition] of conditions.entries()) {
    await db.prisma.rule.create({ data: { ...base, name: `rule ${i}`, condition: condition as object } });
  }
  const { settings } = loadSettings({
    dir: mkdtempSync(join(tmpdir(), 'overcast-bench-')),
    create: true,
    env: { ...process.env, OVERCAST_PUBLIC_URL: 'http://x' },
  });
  const runtime = {
    db,
    box: new SecretBox(settings.secrets.credentialsKey),
    settings,
    logger: createLogger('silent', 'bench'),
    mailer: { enabled: false, send: () => Promise.reject(new Error('no email in this benchmark')) },
  };
  const effects: RuleEffects = {
    // The organization has no channels: delivery finds none, as a fresh install would.
    notifier: createNotifier(runtime),
    machineAction: async () => {
      throw new Error('no machine actions in this benchmark');
    },
    runScript: async () => {
      throw new Error('no scripts in this benchmark');
    },
    // Nobody watches a benchmark's stream.
    announce: async () => {},
  };
  await settle(db);
  const cycles: number[] = [];
  const stats: EvaluationStats[] = [];
  for (let c = 0; c < 4; c++) {
    const { ms, value } = await time(() => evaluateRules(runtime, effects));
    cycles.push(ms);
    stats.push(value);
  }
  console.log(`\nrule evaluation: ${MACHINES} machines x ${conditions.length} rules per cycle`);
  table([
    ['cycle', 'ms', 'observed', 'opened', 'resolved'],
    ...cycles.map((ms, i) => [i + 1, fmt(ms), stats[i]!.observed, stats[i]!.opened, stats[i]!.resolved]),
  ]);
  const worst = Math.max(...cycles);
  console.log(`rule evaluation: worst cycle ${fmt(worst)} ms (target < 2000 ms)`);
  return worst;
}

async function benchGraph(db: Database): Promise<number> {
  const org = await db.prisma.organization.create({
    data: { name: 'graph', slug: `graph-${randomBytes(4).toString('hex')}` },
  });
  const [machineId] = await makeMachines(db, org.id, 1);
  const now = Date.now();
  const rows: SampleRow[] = [];
  for (let m = 0; m < 30 * 1440; m++) {
    rows.push({
      time: new Date(now - m * 60_000),
      organizationId: org.id,
      machineId: machineId!,
      metric: 'cpu',
      series: '',
      value: m % 100,
    });
  }
  await insertSamples(db, rows);
  await rollupSamples(db, new Date(now - 31 * 86_400_000));
  await db.pool.query('ANALYZE metric_samples; ANALYZE metric_rollups');
  const range = { metric: 'cpu' as const, from: new Date(now - 30 * 86_400_000), to: new Date(now) };
  const series: number[] = [];
  let points = 0;
  for (let i = 0; i < 30; i++) {
    const { ms, value } = await time(() => metricSeries(db, org.id, machineId!, range));
    series.push(ms);
    points = value.series[0]?.points.length ?? 0;
  }
  // The same range straight from the raw samples, for comparison.
  const raw: number[] = [];
  for (let i = 0; i < 10; i++) {
    const { ms } = await time(() =>
      db.pool.query(
        `SELECT to_timestamp(floor(extract(epoch FROM time) / 7200) * 7200) t, avg(value), min(value), max(value)
           FROM metric_samples WHERE machine_id = $1 AND organization_id = $2 AND metric = 'cpu' AND time >= $3 AND time < $4
          GROUP BY 1 ORDER BY 1`,
        [machineId, org.id, range.from, range.to],
      ),
    );
    raw.push(ms);
  }
  series.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  console.log(`\n30-day graph: ${rows.length} one-minute samples -> ${points} points`);
  table([
    ['', 'p50 ms', 'p95 ms'],
    ['metricSeries (hourly rollups)', fmt(percentile(series, 50)), fmt(percentile(series, 95))],
    ['raw samples, bucketed', fmt(percentile(raw, 50)), fmt(percentile(raw, 95))],
  ]);
  console.log(`30-day graph: p95 ${fmt(percentile(series, 95))} ms (target < 100 ms)`);
  return percentile(series, 95);
}

const bench = await benchDatabase();
try {
  const ingest = await benchIngest(bench.db);
  const rules = await benchRules(bench.db);
  const graph = await benchGraph(bench.db);
  console.log('\nsummary');
  table([
    ['figure', 'measured', 'target'],
    ['ingest ratio vs raw INSERT', fmt(ingest, 2), '>= 0.5'],
    [`rule cycle, ${MACHINES} machines x 5 rules`, `${fmt(rules)} ms`, '< 2000 ms'],
    ['30-day graph query', `${fmt(graph)} ms`, '< 100 ms'],
  ]);
} finally {
  await bench.drop();
}
