// pnpm bench automation [--quick]
// 1. One script run fanned out to 200 machines (OpenSSH on loopback), through the platform
//    (startScriptRun + executeScriptRun: targets resolved, a record per machine, live output
//    events, keys and host keys from the database), against a plain loop of ssh2 clients
//    running the same command on the same hosts with the same concurrency. Target: <= 1.3x.
// 2. Schedule firing delay: the built worker fires interval schedules; delay = when the run
//    was recorded minus the slot it was due at. Target: p99 < 1 s.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { executeScriptRun, remoteCommand, startScriptRun } from '@overcast/core/automation';
import { createSshKey, openPrivateKey } from '@overcast/core/keys';
import { createLogger, createRedis, loadSettings, SecretBox } from '@overcast/runtime';
import { connectSsh } from '@overcast/ssh';
import { startRedisServer } from '../test/support/redis';
import { startSshd } from '../test/support/sshd';
import { benchDatabase, fmt, percentile, table, time } from './_support';

const quick = process.argv.includes('--quick');
const TARGETS = 200;
const CONCURRENCY = 20;
const ROUNDS = quick ? 2 : 3;
const HOSTS = 4;
const SCHEDULES = quick ? 5 : 10;
const FIRE_SECONDS = quick ? 12 : 30;
const BODY = 'echo "hello from $(hostname) $GREETING"\nuname -s >&2\n';

async function main() {
  const { db, url, drop } = await benchDatabase();
  const redisServer = await startRedisServer();
  const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-bench-'));
  const env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: redisServer.url(0),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: 'warn',
    OVERCAST_AUTOMATION_SCRIPT_CONCURRENCY: String(CONCURRENCY),
  };
  const { settings } = loadSettings({ dir: settingsDir, create: true, env });
  const box = new SecretBox(settings.secrets.credentialsKey);
  const redis = createRedis(settings.redisUrl, { enableOfflineQueue: true });
  const org = await db.prisma.organization.create({
    data: { name: 'bench', slug: `bench-${randomBytes(4).toString('hex')}` },
  });
  const actor = { organizationId: org.id, label: 'bench', userId: null };
  const key = await createSshKey({ db, box }, actor, { name: 'bench', isDefault: true });
  const privateKey = openPrivateKey(box, key).privateKey;
  const sshds = [];
  for (let i = 0; i < HOSTS; i++) sshds.push(await startSshd({ authorizedKeys: [key.publicKey] }));
  const cloud = await db.prisma.cloud.create({
    data: {
      organizationId: org.id,
      provider: 'ssh_host',
      title: 'hosts',
      credentials: Buffer.from('x'),
      enabled: false,
    },
  });
  const machines: { sshPort: number | null; sshUser: string | null }[] = [];
  for (let i = 0; i < TARGETS; i++) {
    const sshd = sshds[i % HOSTS]!;
    machines.push(
      await db.prisma.machine.create({
        data: {
          organizationId: org.id,
          cloudId: cloud.id,
          externalId: `m-${i}`,
          name: `m-${String(i).padStart(3, '0')}`,
          state: 'running',
          publicIps: ['127.0.0.1'],
          sshPort: sshd.port,
          sshUser: sshd.user,
        },
      }),
    );
  }
  const script = await db.prisma.script.create({
    data: { organizationId: org.id, name: 'hello', kind: 'shell' },
  });
  await db.prisma.scriptVersion.create({
    data: { scriptId: script.id, version: 1, body: BODY, parameters: [{ name: 'GREETING', default: 'hi' }] },
  });
  // startScriptRun enqueues for the worker; here the run is executed in this process, so the
  // scripts queue is a no-op sink and the timing covers the platform's own work.
  const sink = { scripts: { add: async () => ({}) } } as never;
  const runtime = { db, box, redis, settings, queues: sink, logger: createLogger('silent', 'bench') };

  const platform = async () => {
    const runId = await startScriptRun(runtime, actor, {
      scriptId: script.id,
      targets: { cloudIds: [cloud.id] },
      params: { GREETING: 'hi' },
      caller: null,
    });
    await executeScriptRun(runtime, runId);
    const failed = await db.prisma.scriptRunTarget.count({ where: { runId, status: { not: 'succeeded' } } });
    if (failed) throw new Error(`${failed} targets failed`);
  };
  const command = remoteCommand('shell');
  const baseline = async () => {
    let next = 0;
    const lane = async () => {
      while (next < machines.length) {
        const m = machines[next++]!;
        const conn = await connectSsh({
          host: '127.0.0.1',
          port: m.sshPort!,
          username: m.sshUser!,
          privateKey,
        });
        const out = await conn.exec(command, { env: { GREETING: 'hi' }, stdin: BODY });
        if (out.exitCode !== 0) throw new Error(`exit ${out.exitCode}`);
        await conn.close();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  };
  await baseline(); // warm-up: sshd, key parsing, JIT
  await platform();
  const rows: (string | number)[][] = [['round', 'ssh2 loop (ms)', 'platform (ms)', 'ratio']];
  const ratios: number[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const b = await time(baseline);
    const p = await time(platform);
    ratios.push(p.ms / b.ms);
    rows.push([r, fmt(b.ms, 0), fmt(p.ms, 0), fmt(p.ms / b.ms, 2)]);
  }
  console.log(`\nScript fan-out: ${TARGETS} machines on ${HOSTS} loopback sshd, concurrency ${CONCURRENCY}`);
  table(rows);
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(`median ratio ${fmt(median, 2)}x (target <= 1.3x) ${median <= 1.3 ? 'OK' : 'MISSED'}`);

  // Schedule firing delay through the real worker.
  const worker: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: resolve(import.meta.dirname, '../apps/worker'),
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const scheduleIds: string[] = [];
  for (let i = 0; i < SCHEDULES; i++) {
    const s = await db.prisma.schedule.create({
      data: {
        organizationId: org.id,
        name: `tick-${i}`,
        triggerKind: 'interval',
        intervalSeconds: 1,
        target: {},
        action: 'notify',
        actionParams: { message: 'tick' },
      },
    });
    scheduleIds.push(s.id);
  }
  // The worker builds the schedulers from these rows at start (Postgres is the source of truth).
  await new Promise((r) => setTimeout(r, FIRE_SECONDS * 1000));
  await db.prisma.schedule.updateMany({ where: { id: { in: scheduleIds } }, data: { enabled: false } });
  await new Promise<void>((r) => {
    worker.once('exit', () => r());
    worker.kill('SIGTERM');
  });
  const runs = await db.prisma.scheduleRun.findMany({ where: { scheduleId: { in: scheduleIds } } });
  const delays = runs.map((r) => r.firedAt.getTime() - r.slot.getTime()).sort((a, b) => a - b);
  console.log(
    `\nSchedule firing: ${SCHEDULES} schedules every 1 s for ${FIRE_SECONDS} s, ${runs.length} firings`,
  );
  table([
    ['p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)'],
    [
      fmt(percentile(delays, 50), 0),
      fmt(percentile(delays, 95), 0),
      fmt(percentile(delays, 99), 0),
      fmt(delays.at(-1) ?? Number.NaN, 0),
    ],
  ]);
  const p99 = percentile(delays, 99);
  console.log(`p99 firing delay ${fmt(p99, 0)} ms (target < 1000 ms) ${p99 < 1000 ? 'OK' : 'MISSED'}`);

  redis.disconnect();
  for (const s of sshds) await s.stop();
  await redisServer.stop();
  await drop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
