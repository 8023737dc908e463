// pnpm bench authz [--quick]
// Authorization overhead: the machine list as a member whose teams' policies limit them (a cloud,
// a tag, a deny by tag) vs an owner with no policies, on the same rows, the api in its own process.
// Target: policies on <= 1.15x the owner's latency at p99. Measured twice: with the inventory
// steady (list totals come from their cache, as between polls) and while it changes 10 times a
// second (totals are recounted, through the member's policy conditions, on most requests).
import { randomBytes } from 'node:crypto';
import { createUser } from '@overcast/core/auth';
import { benchDatabase, fmt, percentile, startApi, table } from './_support';

const quick = process.argv.includes('--quick');
const MACHINES = quick ? 5_000 : 20_000;
const CLIENTS = 20;
const PER_CLIENT = quick ? 25 : 50;
const PASSWORD = 'bench-password-1';

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  try {
    const org = await db.prisma.organization.create({
      data: { name: 'bench', slug: `bench-${randomBytes(4).toString('hex')}` },
    });
    const cloud = (title: string) =>
      db.prisma.cloud.create({
        data: { organizationId: org.id, provider: 'aws', title, credentials: Buffer.from('x') },
      });
    const [a, b] = [await cloud('a'), await cloud('b')];
    // Half the machines in each cloud; a third tagged env=prod, one in fifty quarantined; Overcast
    // tags on a tenth, so the tag check sees both kinds.
    await db.pool.query(
      `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, provider_tags, public_ips)
       SELECT $1, CASE WHEN i % 2 = 0 THEN $2::uuid ELSE $3::uuid END, 'i-' || i, 'machine-' || lpad(i::text, 6, '0'),
              CASE WHEN i % 10 = 0 THEN 'stopped' ELSE 'running' END::"MachineState",
              jsonb_build_object('env', CASE WHEN i % 3 = 0 THEN 'prod' ELSE 'dev' END, 'n', i::text)
                || CASE WHEN i % 50 = 0 THEN '{"quarantine": "yes"}'::jsonb ELSE '{}'::jsonb END,
              ARRAY['10.0.' || (i / 250) || '.' || (i % 250)]
       FROM generate_series(1, $4::int) i`,
      [org.id, a.id, b.id, MACHINES],
    );
    await db.pool.query(
      `INSERT INTO tags (organization_id, resource_kind, resource_id, key, value)
       SELECT organization_id, 'machine', id, 'owner', 'team-' || (random() * 5)::int FROM machines
       WHERE organization_id = $1 AND random() < 0.1`,
      [org.id],
    );
    await db.pool.query('ANALYZE');

    const ownerEmail = `owner-${randomBytes(3).toString('hex')}@example.com`;
    const memberEmail = `member-${randomBytes(3).toString('hex')}@example.com`;
    await createUser(db, { email: ownerEmail, password: PASSWORD, admin: true, organizationId: org.id });
    const m = await createUser(db, { email: memberEmail, password: PASSWORD, organizationId: org.id });
    // Two teams: one may use cloud A, the other anything tagged env=prod; nobody touches quarantined machines.
    for (const [name, policies] of [
      ['cloud-a', [{ effect: 'allow', action: '*', kind: 'machines', cloudIds: [a.id], tags: {} }]],
      [
        'prod',
        [
          { effect: 'allow', action: 'read', kind: 'machines', cloudIds: [], tags: { env: 'prod' } },
          { effect: 'allow', action: 'act', kind: 'machines', cloudIds: [], tags: { env: 'prod' } },
          { effect: 'deny', action: '*', kind: 'machines', cloudIds: [], tags: { quarantine: '' } },
          { effect: 'allow', action: 'read', kind: 'clouds', cloudIds: [], tags: {} },
        ],
      ],
    ] as const) {
      const team = await db.prisma.team.create({ data: { organizationId: org.id, name } });
      await db.prisma.teamMember.create({
        data: { teamId: team.id, userId: m.userId, organizationId: org.id },
      });
      await db.prisma.teamPolicy.createMany({
        data: policies.map((p) => ({
          organizationId: org.id,
          teamId: team.id,
          effect: p.effect,
          action: p.action,
          resourceKind: p.kind,
          cloudIds: [...p.cloudIds],
          tags: p.tags,
        })),
      });
    }

    const api = await startApi(bench.url);
    try {
      const cookieOf = async (email: string) => {
        const res = await fetch(`${api.base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
        return res.headers.get('set-cookie')!.split(';')[0]!;
      };
      const cookies = { owner: await cookieOf(ownerEmail), member: await cookieOf(memberEmail) };
      const path = '/api/v1/machines?state=running&sort=name&limit=100';

      async function load(cookie: string, clients: number, perClient: number) {
        const latencies: number[] = [];
        await Promise.all(
          Array.from({ length: clients }, async () => {
            for (let i = 0; i < perClient; i++) {
              const t = performance.now();
              const res = await fetch(`${api.base}${path}`, { headers: { cookie } });
              await res.arrayBuffer();
              if (!res.ok) throw new Error(`${path}: ${res.status}`);
              latencies.push(performance.now() - t);
            }
          }),
        );
        return latencies.sort((x, y) => x - y);
      }
      const totals = {
        owner: (await (await fetch(`${api.base}${path}`, { headers: { cookie: cookies.owner } })).json())
          .total,
        member: (await (await fetch(`${api.base}${path}`, { headers: { cookie: cookies.member } })).json())
          .total,
      };
      // Warm both paths, then alternate rounds so drift on a shared machine hits both alike.
      await load(cookies.owner, 5, 10);
      await load(cookies.member, 5, 10);
      const runs: { owner: number[]; member: number[] } = { owner: [], member: [] };
      for (let round = 0; round < 4; round++) {
        runs.owner.push(...(await load(cookies.owner, CLIENTS, PER_CLIENT / 2)));
        runs.member.push(...(await load(cookies.member, CLIENTS, PER_CLIENT / 2)));
      }
      // The same again while the inventory changes ten times a second (far more often than polls
      // write), so most requests find their cached total stale and count again.
      const churned: { owner: number[]; member: number[] } = { owner: [], member: [] };
      let touches = 0;
      const churn = setInterval(() => {
        touches++;
        db.pool
          .query(
            `UPDATE machines SET provider_tags = provider_tags || jsonb_build_object('touched', $2::text)
             WHERE organization_id = $1 AND external_id = 'i-1'`,
            [org.id, String(touches)],
          )
          .catch(() => {});
      }, 100);
      try {
        for (let round = 0; round < 2; round++) {
          churned.owner.push(...(await load(cookies.owner, CLIENTS, PER_CLIENT / 2)));
          churned.member.push(...(await load(cookies.member, CLIENTS, PER_CLIENT / 2)));
        }
      } finally {
        clearInterval(churn);
      }
      console.log(
        `\nGET ${path}\n${MACHINES} machines in 2 clouds; ${CLIENTS} concurrent clients, ${runs.owner.length} requests each way\n`,
      );
      const rows = (label: string, set: { owner: number[]; member: number[] }, target: string) => {
        const owner = set.owner.sort((x, y) => x - y);
        const policed = set.member.sort((x, y) => x - y);
        return [
          [
            `${label}: owner, no policies (baseline)`,
            totals.owner,
            fmt(percentile(owner, 50)),
            fmt(percentile(owner, 99)),
          ],
          [
            `${label}: member, cloud + tag grants, tag deny`,
            totals.member,
            fmt(percentile(policed, 50)),
            fmt(percentile(policed, 99)),
          ],
          [
            `${label}: ratio${target}`,
            '',
            fmt(percentile(policed, 50) / percentile(owner, 50), 2),
            fmt(percentile(policed, 99) / percentile(owner, 99), 2),
          ],
        ];
      };
      table([
        ['caller', 'matching rows', 'p50 (ms)', 'p99 (ms)'],
        ...rows('steady', runs, ' (target p99 <= 1.15)'),
        ...rows('churning', churned, ''),
      ]);
    } finally {
      await api.stop();
    }
  } finally {
    await bench.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
