// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
// pnpm bench stacks
// A 20-machine stack across three emulated clouds (three DigitalOcean emulators), one step on
// every machine, deployed by the built worker, against the slowest of three one-machine stacks
// (one per cloud) deployed the same way: create, wait for SSH, run the step. Parallel means
// the big one takes about as long as the slowest small one. Target: <= 1.3x.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { sealCredentials } from '@overcast/core/clouds';
import { createSshKey } from '@overcast/core/keys';
import { createTemplate, deployStack } from '@overcast/core/stacks';
import { createRuntime, loadSettings } from '@overcast/runtime';
import { startRedisServer } from '../test/support/redis';
import { type SshdHandle, startSshd } from '../test/support/sshd';
import { benchDatabase, fmt, table, time } from './_support';

const MACHINES = 20;
const CLOUDS = 3;
const BOOT_MS = 2_000;
const STEP = 'sleep 1; hostname';

const template = (counts: number[]) => `resources:
  machines:
${counts
  .map((n, i) =>
    n === 0
      ? ''
      : `    m${i}:
      cloud: c${i}
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
      key: bench
      count: ${n}
`,
  )
  .join('')}steps:
  step:
    on: [${counts
      .map((n, i) => (n ? `m${i}` : ''))
      .filter(Boolean)
      .join(', ')}]
    script: ${STEP}
`;

async function main() {
  const root = resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [resolve(root, 'scripts/build-app.mjs'), 'src/main.ts'], {
    cwd: resolve(root, 'apps/worker'),
  });
  const { db, url, drop } = await benchDatabase();
  const redisServer = await startRedisServer();
  const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-bench-'));
  const env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: redisServer.url(0),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: 'warn',
    OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    OVERCAST_AUTOMATION_SCRIPT_CONCURRENCY: '32',
  };
  const { settings } = loadSettings({ dir: settingsDir, create: true, env });
  const runtime = createRuntime(settings, { name: 'api' });
  const org = await db.prisma.organization.create({
    data: { name: 'bench', slug: `bench-${randomBytes(4).toString('hex')}` },
  });
  const actor = { organizationId: org.id, label: 'bench', userId: null };
  const key = await createSshKey(runtime, actor, { name: 'bench', isDefault: true });

  // Every droplet gets the next of these addresses while it boots, so an sshd already listens
  // there when the deploy is timed (the emulators' own blocks stop below 127.176).
  const addresses = Array.from({ length: MACHINES + 2 * CLOUDS + 2 }, (_, i) => `127.240.0.${i + 1}`);
  const sshds: SshdHandle[] = [];
  for (const host of addresses)
    sshds.push(await startSshd({ host, port: 22, authorizedKeys: [key.publicKey] }));
  const sims: DigitalOceanSim[] = [];
  let next = 0;
  const given = new WeakSet<object>();
  for (let i = 0; i < CLOUDS; i++) {
    const sim = await startDigitalOceanSim({
      accounts: [{ token: `t${i}`, droplets: 0 }],
      bootDelayMs: BOOT_MS,
    });
    sims.push(sim);
    const id = randomUUID();
    await db.prisma.cloud.create({
      data: {
        id,
        organizationId: org.id,
        provider: 'digitalocean',
        title: `c${i}`,
        endpoint: sim.url,
        pollIntervalSeconds: 2,
        credentials: sealCredentials(runtime.box, id, { token: `t${i}` }),
      },
    });
  }
  const moving = setInterval(() => {
    for (const sim of sims)
      for (const d of sim.account(sim.accounts.keys().next().value!).listDroplets())
        if (!given.has(d)) {
          given.add(d);
          d.publicIpv4 = addresses[next++]!;
        }
  }, 5);
  const worker: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: resolve(root, 'apps/worker'),
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const deploy = async (name: string, counts: number[]) => {
    const t = await createTemplate(runtime, actor, { name, source: template(counts) });
    const { ms, value: id } = await time(async () => {
      const id = await deployStack(runtime, actor, null, { name, templateId: t.id });
      for (;;) {
        const s = await db.prisma.stack.findUniqueOrThrow({ where: { id } });
        if (s.status === 'deployed') return id;
        if (s.status === 'failed') throw new Error(`${name} failed: ${s.error}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    return { ms, phases: await phases(id) };
  };
  // Where the time went, from the rows: the last machine made at its provider, the last one
  // answering over SSH, the step's start and end (ms after the stack was created).
  const phases = async (id: string) => {
    const stack = await db.prisma.stack.findUniqueOrThrow({
      where: { id },
      include: { resources: true, steps: true },
    });
    const machines = await db.prisma.machine.findMany({
      where: { id: { in: stack.resources.map((r) => r.machineId!).filter(Boolean) } },
    });
    const targets = await db.prisma.scriptRunTarget.findMany({
      where: { runId: stack.steps[0]?.scriptRunId ?? undefined },
    });
    const at = (d: Date | null | undefined) => (d ? d.getTime() - stack.createdAt.getTime() : Number.NaN);
    const last = (ds: (Date | null)[]) => Math.max(...ds.map(at));
    const first = (ds: (Date | null)[]) => Math.min(...ds.map(at));
    return [
      last(machines.map((m) => m.createdAt)),
      last(stack.resources.map((r) => r.updatedAt)),
      at(stack.steps[0]?.startedAt),
      first(targets.map((t) => t.startedAt)),
      last(targets.map((t) => t.startedAt)),
      last(targets.map((t) => t.finishedAt)),
      at(stack.steps[0]?.finishedAt),
    ];
  };
  try {
    // The worker's first jobs pay for loading drivers and the clouds' first polls: not measured.
    await deploy('warm-up', [1, 1, 1]);
    const singles: Awaited<ReturnType<typeof deploy>>[] = [];
    for (let i = 0; i < CLOUDS; i++) {
      const counts = Array.from({ length: CLOUDS }, (_, j) => (j === i ? 1 : 0));
      singles.push(await deploy(`single-${i}`, counts));
    }
    const base = Math.max(...singles.map((s) => s.ms));
    const per = Math.floor(MACHINES / CLOUDS);
    const counts = Array.from({ length: CLOUDS }, (_, i) => per + (i < MACHINES - per * CLOUDS ? 1 : 0));
    const bigRun = await deploy('big', counts);
    const big = bigRun.ms;
    const row = (label: string, n: number, r: typeof bigRun) => [
      label,
      n,
      fmt(r.ms, 0),
      fmt(r.ms / base, 2),
      ...r.phases.map((p) => fmt(p, 0)),
    ];
    table([
      [
        'stack',
        'machines',
        'ms',
        'x baseline',
        'made',
        'answering',
        'step start',
        'first on',
        'last on',
        'last off',
        'step end',
      ],
      ...singles.map((r, i) => row(`one machine on cloud ${i}`, 1, r)),
      row(`${MACHINES} machines on ${CLOUDS} clouds`, MACHINES, bigRun),
    ]);
    console.log(
      `target: <= 1.3x the slowest single create plus its step; ${big / base <= 1.3 ? 'met' : 'NOT met'}`,
    );
  } finally {
    clearInterval(moving);
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await runtime.close();
    for (const s of sshds) await s.stop();
    for (const s of sims) await s.close();
    await redisServer.stop();
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
