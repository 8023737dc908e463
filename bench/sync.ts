// pnpm bench sync [--quick] [--sync-only] [--peers-only] [--providers=all|ec2,gce,...]
// For every provider an emulator lists (bench/_emulators.ts), at 10k machines: the driver's own
// list time through its real client, a first sync against a raw COPY of the same rows, and a poll
// where nothing changed (it must write no row; the run fails if one does) against a plain SELECT.
// Unless --sync-only: EC2 and DigitalOcean again at 100k, listing against Apache Libcloud
// (python3-libcloud) on the same emulators at 1k, 10k and 100k, and API list latency under 50
// clients.
import { randomBytes } from 'node:crypto';
import type { RemoteMachine } from '@overcast/contracts';
import { createUser } from '@overcast/core/auth';
import { syncMachines } from '@overcast/core/inventory';
import { copyRows, type Database } from '@overcast/db';
import { loadDriverFactory } from '@overcast/providers/registry';
import { type Emulator, NOT_AT_SCALE, selectEmulators } from './_emulators';
import {
  bareNodeList,
  compareListing,
  type ListFigures,
  medianFigures,
  overcastList,
  runtimeFloors,
} from './_peers';
import { benchDatabase, fmt, median, percentile, startApi, table, time } from './_support';

const quick = process.argv.includes('--quick');
const syncOnly = process.argv.includes('--sync-only');
const peersOnly = process.argv.includes('--peers-only');
/** Every provider is measured at this size... */
const SIZE = quick ? 2_000 : 10_000;
/** ...and the `extended` emulators at these too, unless --sync-only. */
const LARGE_SIZES = quick || syncOnly ? [] : [100_000];
// 100k too: where a worker's streaming poll and Libcloud's whole-list memory part most.
const PEER_SIZES = quick ? [1_000] : [1_000, 10_000, 100_000];
const RATIO_TARGET = 0.5;
/** Rounds of COPY and first sync whose medians are reported: one at 100k, where a round is long. */
const roundsAt = (n: number) => (quick || n > 10_000 ? 1 : 3);
const EMULATED = selectEmulators(
  process.argv.find((a) => a.startsWith('--providers='))?.slice('--providers='.length),
  'all',
);

/** Flushes the previous step's writes, so background checkpoints do not land inside a timing. */
const settle = (db: Database) => db.pool.query('CHECKPOINT');

async function newCloud(db: Database, organizationId: string, provider: string) {
  return db.prisma.cloud.create({
    data: {
      organizationId,
      provider,
      title: `bench-${randomBytes(4).toString('hex')}`,
      credentials: Buffer.from('x'),
    },
  });
}

async function collect(iter: AsyncIterable<RemoteMachine>) {
  const out: RemoteMachine[] = [];
  for await (const m of iter) out.push(m);
  return out;
}

/** The baseline: the same rows, straight into machines with COPY, no diff, no events. */
async function rawCopy(db: Database, orgId: string, cloudId: string, machines: RemoteMachine[]) {
  const client = await db.pool.connect();
  try {
    await copyRows(
      client,
      'machines',
      [
        'organization_id',
        'cloud_id',
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
      ],
      machines.map((m) => [
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
      ]),
      // Encoded once, as the first sync's COPY does.
      [orgId, cloudId],
    );
  } finally {
    client.release();
  }
}

/** A transaction id: every row written after this call has a larger xmin. */
async function xidMark(db: Database): Promise<number> {
  const { rows } = await db.pool.query<{ x: string }>('SELECT (txid_current() % 4294967296)::text AS x');
  return Number(rows[0]!.x);
}

/** Rows of this cloud's machines and its organization's events written since the mark. */
async function rowsWrittenSince(
  db: Database,
  mark: number,
  cloudId: string,
  organizationId: string,
): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM machines WHERE cloud_id = $1 AND xmin::text::bigint > $3)
           + (SELECT count(*) FROM machine_events WHERE organization_id = $2 AND xmin::text::bigint > $3))::int AS n`,
    [cloudId, organizationId, mark],
  );
  return rows[0]!.n;
}

/** The emulator seeded with n machines, its driver built through the registry as the worker does. */
async function emulated(emulator: Emulator, n: number) {
  const seeded = await time(() => emulator.start(n));
  const create = await loadDriverFactory(emulator.kind);
  if (!create) throw new Error(`no driver registered for ${emulator.kind}`);
  return { ...seeded.value, seedMs: seeded.ms, driver: create(seeded.value.init) };
}

/** The listing through the provider's own SDK or client, timed; the emulator is closed after. */
async function listFrom(emulator: Emulator, n: number) {
  const sim = await emulated(emulator, n);
  try {
    const listed = await time(() => collect(sim.driver.listMachines(new AbortController().signal)));
    if (listed.value.length !== n) {
      throw new Error(`${emulator.name}: seeded ${n} machines, its driver listed ${listed.value.length}`);
    }
    return { ...listed, seedMs: sim.seedMs };
  } finally {
    await sim.close();
  }
}

async function newOrganization(db: Database): Promise<string> {
  const org = await db.prisma.organization.create({
    data: { name: 'bench', slug: `bench-${randomBytes(6).toString('hex')}` },
  });
  return org.id;
}

/** A new, empty cloud of this kind: what syncMachines writes into. */
async function newTarget(db: Database, kind: string, organizationId: string) {
  const cloud = await newCloud(db, organizationId, kind);
  return {
    cloudId: cloud.id,
    organizationId,
    provider: kind,
    costOverrideMonthly: null,
    missingGraceHours: 24,
  };
}

/**
 * Overcast's drivers against Apache Libcloud on the same emulator, each listing in a process
 * of its own (medians of three rounds): machines per second; a worker's first poll, where the
 * listing streams into the sync of an empty cloud, against Libcloud's list alone; and each
 * process's peak memory. Only the emulators Libcloud can list.
 */
async function againstLibcloud(db: Database, databaseUrl: string) {
  const rows: (string | number)[][] = [
    [
      'provider',
      'machines',
      'Overcast list/s',
      'Libcloud list/s',
      'ratio',
      'Overcast list+sync/s',
      'ratio vs Libcloud list',
      'Overcast peak MB',
      'Libcloud peak MB',
      'memory ratio',
      'list+sync peak MB',
      'bare Node list/s',
      'bare ratio',
    ],
  ];
  for (const emulator of EMULATED.filter((e) => e.extended)) {
    for (const n of PEER_SIZES) {
      const sim = await emulated(emulator, n);
      try {
        if (!sim.peer) throw new Error(`${emulator.name}: no Libcloud target`);
        const { overcast, libcloud } = await compareListing(sim.peer);
        const polls: ListFigures[] = [];
        for (let round = 0; round < 3; round++) {
          const target = await newTarget(db, emulator.kind, await newOrganization(db));
          await settle(db);
          polls.push(await overcastList(sim.peer, { databaseUrl, target }));
        }
        const poll = medianFigures(polls);
        const bare = await bareNodeList(sim.peer);
        if (overcast.machines !== libcloud.machines || poll.machines !== libcloud.machines) {
          throw new Error(
            `${emulator.name}: Overcast listed ${overcast.machines} and synced ${poll.machines}, Libcloud listed ${libcloud.machines}`,
          );
        }
        const rate = (s: number) => Math.round(overcast.machines / s);
        rows.push([
          emulator.name,
          overcast.machines,
          rate(overcast.seconds),
          rate(libcloud.seconds),
          fmt(libcloud.seconds / overcast.seconds, 2),
          rate(poll.seconds),
          fmt(libcloud.seconds / poll.seconds, 2),
          fmt(overcast.peakMb, 0),
          fmt(libcloud.peakMb, 0),
          fmt(overcast.peakMb / libcloud.peakMb, 2),
          fmt(poll.peakMb, 0),
          bare ? rate(bare.seconds) : '-',
          bare ? fmt(libcloud.seconds / bare.seconds, 2) : '-',
        ]);
      } finally {
        await sim.close();
      }
    }
  }
  if (rows.length === 1) return;
  console.log(
    '\nListing against Apache Libcloud (medians of 3; ratio: Overcast rate / Libcloud rate, target >= 1.5; list+sync target >= 1; memory ratio target <= 0.5; bare: node:http and JSON.parse alone, no driver, the floor under any Node client)\n',
  );
  table(rows);
  // The memory ratio cannot go below what Node itself takes before any code of ours runs.
  const floors = await runtimeFloors();
  console.log(
    `\nRuntime floors (an empty process's peak): Node ${fmt(floors.nodeMb, 0)} MB, Python ${fmt(floors.pythonMb, 0)} MB`,
  );
}

interface SyncFigures {
  row: (string | number)[];
  organizationId: string;
  /** Rows the no-change poll wrote: anything but 0 is a failure. */
  written: number;
}

/** One provider at n machines: its listing, a first sync against COPY, a no-change poll. */
async function measureSync(db: Database, emulator: Emulator, n: number): Promise<SyncFigures> {
  const listed = await listFrom(emulator, n);
  const machines = listed.value;
  const organizationId = await newOrganization(db);
  // Each into a cloud of its own; the last first sync's cloud is the one polled again.
  const copyOnce = async () => {
    const cloud = await newTarget(db, emulator.kind, organizationId);
    await settle(db);
    const copied = await time(() => rawCopy(db, organizationId, cloud.cloudId, machines));
    await db.prisma.cloud.delete({ where: { id: cloud.cloudId } });
    return copied.ms;
  };
  let target = await newTarget(db, emulator.kind, organizationId);
  const syncOnce = async () => {
    await db.prisma.cloud.delete({ where: { id: target.cloudId } });
    target = await newTarget(db, emulator.kind, organizationId);
    await settle(db);
    const synced = await time(() => syncMachines(db, target, machines));
    if (synced.value.created !== n) {
      throw new Error(`${emulator.name}: first sync created ${synced.value.created} of ${n}`);
    }
    return synced.ms;
  };
  // Medians of alternating rounds: the machine is shared, and one timing can land on a neighbour's burst.
  const copies: number[] = [];
  const syncs: number[] = [];
  for (let i = 0; i < roundsAt(n); i++) {
    if (i % 2 === 0) {
      copies.push(await copyOnce());
      syncs.push(await syncOnce());
    } else {
      syncs.push(await syncOnce());
      copies.push(await copyOnce());
    }
  }
  const copy = { ms: median(copies) };
  const first = { ms: median(syncs) };
  const mark = await xidMark(db);
  // Copies, as a new poll's listing is: nothing may rest on the objects being the same.
  const again = await time(() =>
    syncMachines(
      db,
      target,
      machines.map((m) => ({ ...m })),
    ),
  );
  const written = await rowsWrittenSince(db, mark, target.cloudId, target.organizationId);
  const select = await time(() =>
    db.pool.query('SELECT * FROM machines WHERE cloud_id = $1', [target.cloudId]),
  );
  const ratio = copy.ms / first.ms;
  const met = ratio >= RATIO_TARGET && written === 0;
  return {
    organizationId,
    written,
    row: [
      emulator.name,
      n,
      fmt(listed.seedMs / 1000, 1),
      Math.round(listed.ms),
      Math.round(n / (listed.ms / 1000)),
      Math.round(first.ms),
      Math.round(copy.ms),
      fmt(ratio, 2),
      Math.round(again.ms),
      written,
      Math.round(select.ms),
      fmt(again.ms / select.ms, 2),
      met ? 'met' : 'NOT met',
    ],
  };
}

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  const rows: (string | number)[][] = [
    [
      'provider',
      'machines',
      'seed (s)',
      'list (SDK/client) ms',
      'listed machines/s',
      'first sync ms',
      'raw COPY ms',
      'ratio COPY/sync',
      'no-change ms',
      'no-change rows written',
      'SELECT ms',
      'ratio vs SELECT',
      'target',
    ],
  ];
  let apiOrg: string | undefined;
  const wrote: string[] = [];
  try {
    if (peersOnly) return await againstLibcloud(db, bench.url);
    for (const emulator of EMULATED) {
      for (const n of [SIZE, ...(emulator.extended ? LARGE_SIZES : [])]) {
        const figures = await measureSync(db, emulator, n);
        rows.push(figures.row);
        if (figures.written !== 0) wrote.push(`${emulator.name} at ${n}: ${figures.written} rows`);
        // The API latency runs on the first provider's first size.
        apiOrg ??= figures.organizationId;
      }
    }
    console.log(
      `\nInventory sync (ratio COPY/sync: COPY time / first sync time, target >= ${RATIO_TARGET}; a no-change poll must write 0 rows; ratio vs SELECT: no-change poll / SELECT of the same rows)\n`,
    );
    table(rows);
    console.log('\nNot measured at this scale:');
    for (const p of NOT_AT_SCALE) console.log(`  ${p.kind}: ${p.why}`);
    if (wrote.length > 0) throw new Error(`a no-change poll wrote rows: ${wrote.join('; ')}`);
    if (syncOnly) return;
    await againstLibcloud(db, bench.url);
    if (apiOrg) await apiLatency(db, bench.url, apiOrg);
  } finally {
    await bench.drop();
  }
}

async function apiLatency(db: Database, url: string, organizationId: string) {
  const api = await startApi(url);
  const base = api.base;
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  await createUser(db, { email, password: 'bench-password-1', admin: true, organizationId });
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-1' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const total = (await (await fetch(`${base}/api/v1/machines?limit=1`, { headers: { cookie } })).json())
    .total;

  async function load(path: string, clients = 50, perClient = 20) {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = 0; i < perClient; i++) {
          const t = performance.now();
          const res = await fetch(`${base}${path}`, { headers: { cookie } });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`${path}: ${res.status}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return latencies.sort((a, b) => a - b);
  }
  await load('/healthz', 10, 5);
  await load('/api/v1/machines?state=running&sort=name&limit=100', 5, 5);
  const floor = await load('/healthz');
  const list = await load('/api/v1/machines?state=running&sort=name&limit=100');
  console.log(
    `\nAPI list, first page (100 rows) with a filter, ${total} machines, 50 concurrent clients (1,000 requests)\n`,
  );
  table([
    ['request', 'p50 (ms)', 'p99 (ms)'],
    ['GET /healthz (baseline)', fmt(percentile(floor, 50)), fmt(percentile(floor, 99))],
    ['GET /api/v1/machines?state=running', fmt(percentile(list, 50)), fmt(percentile(list, 99))],
    [
      'ratio',
      fmt(percentile(list, 50) / percentile(floor, 50), 2),
      fmt(percentile(list, 99) / percentile(floor, 99), 2),
    ],
  ]);
  await api.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
