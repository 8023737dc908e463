// pnpm bench stream-filter [--quick]
// What deciding each live event's readers costs: the event stream's work per event for 100 readers
// limited by team policies (a cloud, a tag, a deny by tag), against the baseline of parsing the
// event once for readers who see everything. Machine events read the machine's scope afresh (its
// tags may be what changed); script output reuses cached run and scope facts.
import { randomBytes } from 'node:crypto';
import { decide, eventAudiences, type Policy, type Principal, ReadScopes } from '@overcast/core/authz';
import { benchDatabase, fmt, table } from './_support';

const quick = process.argv.includes('--quick');
const MACHINES = quick ? 1_000 : 5_000;
const EVENTS = quick ? 1_000 : 5_000;
const READERS = 100;

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  try {
    const org = await db.prisma.organization.create({
      data: { name: 'bench', slug: `bench-${randomBytes(4).toString('hex')}` },
    });
    const cloud = await db.prisma.cloud.create({
      data: { organizationId: org.id, provider: 'aws', title: 'a', credentials: Buffer.from('x') },
    });
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, provider_tags)
       SELECT $1, $2, 'i-' || i, 'machine-' || i, 'running',
              jsonb_build_object('env', CASE WHEN i % 3 = 0 THEN 'prod' ELSE 'dev' END)
       FROM generate_series(1, $3::int) i RETURNING id`,
      [org.id, cloud.id, MACHINES],
    );
    const machineIds = rows.map((r) => r.id);
    const script = await db.prisma.script.create({
      data: { organizationId: org.id, name: 's', currentVersion: 1 },
    });
    const run = await db.prisma.scriptRun.create({
      data: {
        organizationId: org.id,
        scriptId: script.id,
        version: 1,
        targets: { create: machineIds.slice(0, 50).map((machineId) => ({ machineId })) },
      },
    });
    const policies: Policy[][] = [
      [{ effect: 'allow', action: '*', kind: '*', cloudIds: [cloud.id], tags: {} }],
      [{ effect: 'allow', action: 'read', kind: '*', cloudIds: [], tags: { env: 'prod' } }],
      [
        { effect: 'allow', action: '*', kind: '*', cloudIds: [], tags: {} },
        { effect: 'deny', action: '*', kind: 'machines', cloudIds: [], tags: { env: 'dev' } },
      ],
    ];
    const readers: Principal[] = Array.from({ length: READERS }, (_, i) => ({
      role: 'member',
      policies: policies[i % policies.length]!,
    }));
    const machineEvents = Array.from({ length: EVENTS }, (_, i) =>
      JSON.stringify({
        type: 'machine.changed',
        cloudId: cloud.id,
        machineId: machineIds[i % machineIds.length],
        kind: 'state_changed',
        data: { state: 'running' },
      }),
    );
    const outputEvents = Array.from({ length: EVENTS }, (_, i) =>
      JSON.stringify({
        type: 'script.output',
        runId: run.id,
        targetId: run.id,
        machineId: machineIds[i % 50],
        stream: 'stdout',
        data: 'line\n',
      }),
    );

    const measure = async (events: string[], each: (message: string) => Promise<number>) => {
      const start = performance.now();
      let delivered = 0;
      for (const m of events) delivered += await each(m);
      return { perEventUs: ((performance.now() - start) * 1000) / events.length, delivered };
    };
    // Baseline: what every event costs already (parse once, hand to each reader).
    const baseline = await measure(machineEvents, async (m) => {
      JSON.parse(m);
      return READERS;
    });
    const scopes = new ReadScopes(db, org.id);
    // One event at a time (a quiet stream), and in batches of 50 (a poll's burst, as the hub
    // takes them while the previous batch is decided).
    const filtered = async (events: string[], batch: number) => {
      const start = performance.now();
      let delivered = 0;
      for (let i = 0; i < events.length; i += batch) {
        const audiences = await eventAudiences(
          scopes,
          events.slice(i, i + batch).map((m) => JSON.parse(m)),
        );
        for (const audience of audiences) delivered += readers.filter(audience).length;
      }
      return { perEventUs: ((performance.now() - start) * 1000) / events.length, delivered };
    };
    const machines = await filtered(machineEvents, 1);
    const machineBursts = await filtered(machineEvents, 50);
    const outputs = await filtered(outputEvents, 1);
    // The decision alone, per reader, once the facts are loaded.
    const scope = { cloudId: cloud.id, tags: { env: 'prod' } };
    const t = performance.now();
    for (let i = 0; i < EVENTS; i++) for (const r of readers) decide(r, 'machines', 'read', scope);
    const decideNs = ((performance.now() - t) * 1e6) / (EVENTS * READERS);
    table([
      ['per event, 100 limited readers', 'µs', 'x baseline', 'delivered'],
      ['baseline (parse, no filter)', fmt(baseline.perEventUs), '1.0', baseline.delivered],
      [
        'machine.changed (scope re-read)',
        fmt(machines.perEventUs),
        fmt(machines.perEventUs / baseline.perEventUs),
        machines.delivered,
      ],
      [
        'machine.changed, bursts of 50',
        fmt(machineBursts.perEventUs),
        fmt(machineBursts.perEventUs / baseline.perEventUs),
        machineBursts.delivered,
      ],
      [
        'script.output (cached facts)',
        fmt(outputs.perEventUs),
        fmt(outputs.perEventUs / baseline.perEventUs),
        outputs.delivered,
      ],
    ]);
    console.log(`decide() per reader: ${fmt(decideNs, 0)} ns`);
  } finally {
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
