// pnpm bench sync [--quick] [--peers-only] [--providers=ec2,digitalocean]
// First sync of N machines from the EC2 and DigitalOcean emulators vs a raw COPY of the same
// rows; a poll where nothing changed vs a plain SELECT; API list latency under 50 clients; and
// listing against Apache Libcloud (python3-libcloud) on the same emulators.
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_SIM_REGIONS,
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  startDigitalOceanSim,
  startEc2Sim,
} from '@overcast/cloud-sim';
import type { RemoteMachine } from '@overcast/contracts';
import { createUser } from '@overcast/core/auth';
import { syncMachines } from '@overcast/core/inventory';
import { copyRows, type Database } from '@overcast/db';
import { createAwsDriver, createDigitalOceanDriver } from '@overcast/providers';
import { compareListing, type PeerTarget } from './_peers';
import { benchDatabase, fmt, percentile, startApi, table, time } from './_support';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [2_000] : [10_000, 100_000];
const PEER_SIZES = quick ? [1_000] : [1_000, 10_000];
const peersOnly = process.argv.includes('--peers-only');
const providersArg = process.argv.find((a) => a.startsWith('--providers='));
const PROVIDERS = (providersArg?.slice('--providers='.length).split(',') ?? ['ec2', 'digitalocean']) as (
  | 'ec2'
  | 'digitalocean'
)[];

/** Flushes the previous step's writes, so background checkpoints do not land inside a timing. */
const settle = (db: Database) => db.pool.query('CHECKPOINT');

async function newCloud(db: Database, organizationId: string, provider: 'aws' | 'digitalocean') {
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
        orgId,
        cloudId,
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

/** An emulator seeded with n machines, with the driver and the credentials that reach it. */
async function emulated(provider: 'ec2' | 'digitalocean', n: number) {
  if (provider === 'ec2') {
    const sim = await startEc2Sim({ seed: n, transitionMs: 0 });
    const driver = createAwsDriver({
      credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY },
      endpoint: sim.url,
      config: { regions: DEFAULT_SIM_REGIONS },
    });
    const target: PeerTarget = {
      provider,
      url: sim.url,
      key: EC2_SIM_ACCESS_KEY_ID,
      secret: EC2_SIM_SECRET_ACCESS_KEY,
      regions: DEFAULT_SIM_REGIONS,
    };
    return { driver, target, close: () => sim.close() };
  }
  const token = `bench-${n}`;
  const sim = await startDigitalOceanSim({
    accounts: [{ token, droplets: n }],
    rateLimit: { limit: 1_000_000, windowMs: 3_600_000 },
  });
  const driver = createDigitalOceanDriver({ credentials: { token }, endpoint: sim.url });
  const target: PeerTarget = { provider, url: sim.url, key: token };
  return { driver, target, close: () => sim.close() };
}

async function listFrom(provider: 'ec2' | 'digitalocean', n: number) {
  const sim = await emulated(provider, n);
  try {
    return await time(() => collect(sim.driver.listMachines(new AbortController().signal)));
  } finally {
    await sim.close();
  }
}

async function newTarget(db: Database, provider: 'ec2' | 'digitalocean') {
  const org = await db.prisma.organization.create({
    data: { name: 'bench', slug: `bench-${randomBytes(6).toString('hex')}` },
  });
  const cloud = await newCloud(db, org.id, provider === 'ec2' ? 'aws' : 'digitalocean');
  return {
    org,
    cloud,
    target: {
      cloudId: cloud.id,
      organizationId: org.id,
      provider: cloud.provider as 'aws',
      costOverrideMonthly: null,
      missingGraceHours: 24,
    },
  };
}

/**
 * Overcast's drivers against Apache Libcloud on the same emulator, each listing in a process
 * of its own (medians of three rounds): machines per second, list plus a first sync against
 * Libcloud's list alone, and each process's peak memory.
 */
async function againstLibcloud(db: Database) {
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
    ],
  ];
  for (const provider of PROVIDERS) {
    for (const n of PEER_SIZES) {
      const sim = await emulated(provider, n);
      try {
        const { overcast, libcloud } = await compareListing(sim.target);
        if (overcast.machines !== libcloud.machines) {
          throw new Error(`${provider}: Overcast listed ${overcast.machines}, Libcloud ${libcloud.machines}`);
        }
        const machines = await collect(sim.driver.listMachines(new AbortController().signal));
        const { target } = await newTarget(db, provider);
        await settle(db);
        const first = await time(() => syncMachines(db, target, machines));
        const rate = (s: number) => Math.round(overcast.machines / s);
        rows.push([
          provider,
          overcast.machines,
          rate(overcast.seconds),
          rate(libcloud.seconds),
          fmt(libcloud.seconds / overcast.seconds, 2),
          rate(overcast.seconds + first.ms / 1000),
          fmt(libcloud.seconds / (overcast.seconds + first.ms / 1000), 2),
          fmt(overcast.peakMb, 0),
          fmt(libcloud.peakMb, 0),
          fmt(overcast.peakMb / libcloud.peakMb, 2),
        ]);
      } finally {
        await sim.close();
      }
    }
  }
  console.log(
    '\nListing against Apache Libcloud (medians of 3; ratio: Overcast rate / Libcloud rate, target >= 1.5; list+sync target >= 1; memory ratio target <= 0.5)\n',
  );
  table(rows);
}

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  const rows: (string | number)[][] = [
    [
      'provider',
      'machines',
      'list (s)',
      'COPY (s)',
      'first sync (s)',
      'machines/s',
      'ratio vs COPY',
      'no-change (s)',
      'rows written',
      'SELECT (s)',
      'ratio vs SELECT',
    ],
  ];
  let apiOrg: string | undefined;
  try {
    if (peersOnly) return await againstLibcloud(db);
    for (const provider of PROVIDERS) {
      for (const n of SIZES) {
        const listed = await listFrom(provider, n);
        const machines = listed.value;
        const { org, cloud: baselineCloud } = await newTarget(db, provider);
        await settle(db);
        const copy = await time(() => rawCopy(db, org.id, baselineCloud.id, machines));
        await db.prisma.cloud.delete({ where: { id: baselineCloud.id } });
        const cloud = await newCloud(db, org.id, provider === 'ec2' ? 'aws' : 'digitalocean');
        const target = {
          cloudId: cloud.id,
          organizationId: org.id,
          provider: cloud.provider as 'aws',
          costOverrideMonthly: null,
          missingGraceHours: 24,
        };
        await settle(db);
        const first = await time(() => syncMachines(db, target, machines));
        const mark = await xidMark(db);
        const again = await time(() =>
          syncMachines(
            db,
            target,
            machines.map((m) => ({ ...m })),
          ),
        );
        const written = await rowsWrittenSince(db, mark, cloud.id, org.id);
        const select = await time(() =>
          db.pool.query('SELECT * FROM machines WHERE cloud_id = $1', [cloud.id]),
        );
        rows.push([
          provider,
          n,
          fmt(listed.ms / 1000, 2),
          fmt(copy.ms / 1000, 2),
          fmt(first.ms / 1000, 2),
          Math.round(n / (first.ms / 1000)),
          fmt(copy.ms / first.ms, 2),
          fmt(again.ms / 1000, 2),
          written,
          fmt(select.ms / 1000, 2),
          fmt(again.ms / select.ms, 2),
        ]);
        if (n === 10_000 && provider === 'ec2') apiOrg = org.id;
        if (quick && provider === 'ec2') apiOrg = org.id;
      }
    }
    console.log('\nInventory sync (ratio vs COPY: COPY time / sync time, higher is better; target >= 0.5)\n');
    table(rows);
    await againstLibcloud(db);
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
