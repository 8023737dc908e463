import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { sealCredentials } from '@overcast/core/clouds';
import { orgChannel } from '@overcast/core/events';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { createRedis, loadSettings, QUEUE_PREFIX, QUEUES, SecretBox } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, dropDatabase } from '../../../test/support/postgres';
import { type RedisServer, startRedisServer } from '../../../test/support/redis';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { createOrgWithUser, login, startTestApi, type TestApi } from '../../api/test/support/harness';
import { spawnWorker, waitFor } from './support/harness';

// Scripts, schedules and expiration end to end: the real api (in process), the built worker
// (a child process), a database and a redis-server of this file's own (Redis gets restarted),
// OpenSSH on loopback as the machines, and the DigitalOcean emulator for machine actions.

const dbName = `overcast_automation_${randomBytes(4).toString('hex')}`;
const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
const TOKEN = 'automation-token';
const credentialsKey = randomBytes(32).toString('base64');

let db: Database;
let redis: RedisServer;
let api: TestApi;
let sim: DigitalOceanSim;
let worker: ChildProcess | null = null;
let env: NodeJS.ProcessEnv;
let cookie: string;
let organizationId: string;
let sshCloudId: string;
let doCloudId: string;
const sshds: SshdHandle[] = [];

const startWorker = () => {
  worker = spawnWorker(env);
};
async function stopWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (!w || w.exitCode !== null) return;
  const gone = new Promise((r) => w.once('exit', r));
  w.kill('SIGTERM');
  await gone;
}

const call = async (method: string, url: string, payload?: unknown) => {
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    payload: payload as object,
    headers: { cookie },
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};

async function addSshMachine(
  name: string,
  fields: Partial<{ publicIps: string[]; sshPort: number; sshUser: string }>,
) {
  const m = await db.prisma.machine.create({
    data: {
      organizationId,
      cloudId: sshCloudId,
      externalId: `m-${randomBytes(4).toString('hex')}`,
      name,
      state: 'running',
      publicIps: fields.publicIps ?? ['127.0.0.1'],
      sshPort: fields.sshPort ?? null,
      sshUser: fields.sshUser ?? null,
    },
  });
  return m.id;
}

beforeAll(async () => {
  const url = await createMigratedDatabase(dbName);
  db = createDatabase({ url, max: 4 });
  await migrateDeploy(db.pool);
  redis = await startRedisServer();
  env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: redis.url(0),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
    OVERCAST_AUTOMATION_EXPIRATION_CHECK_SECONDS: '1',
    OVERCAST_AUTOMATION_SCRIPT_TIMEOUT_SECONDS: '60',
    OVERCAST_LOG_LEVEL: process.env.WORKER_LOGS ? 'info' : 'warn',
  };
  loadSettings({ dir: settingsDir, create: true, env });
  api = await startTestApi({
    DATABASE_URL: url,
    REDIS_URL: redis.url(0),
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
    OVERCAST_AUTOMATION_SCRIPT_TIMEOUT_SECONDS: '60',
  });
  const user = await createOrgWithUser(api.db);
  organizationId = user.organizationId;
  cookie = await login(api, user);

  const key = await call('POST', '/api/v1/ssh-keys', { name: 'deploy', isDefault: true });
  expect(key.status).toBe(201);
  for (let i = 0; i < 3; i++) sshds.push(await startSshd({ authorizedKeys: [key.body.publicKey] }));

  const ssh = await db.prisma.cloud.create({
    data: {
      organizationId,
      provider: 'digitalocean',
      title: 'hosts',
      credentials: Buffer.from('x'),
      enabled: false,
    },
  });
  sshCloudId = ssh.id;

  sim = await startDigitalOceanSim({
    accounts: [{ token: TOKEN, droplets: 4, namePrefix: 'do' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  doCloudId = randomUUID();
  await db.prisma.cloud.create({
    data: {
      id: doCloudId,
      organizationId,
      provider: 'digitalocean',
      title: 'do',
      endpoint: sim.url,
      pollIntervalSeconds: 5,
      credentials: sealCredentials(new SecretBox(credentialsKey), doCloudId, { token: TOKEN }),
    },
  });
  startWorker();
  await waitFor(
    async () => (await db.prisma.machine.count({ where: { cloudId: doCloudId } })) === 4,
    30_000,
    'the first poll',
  );
}, 120_000);

afterAll(async () => {
  await stopWorker();
  await api?.close();
  for (const s of sshds) await s.stop();
  await sim?.close();
  await db?.close();
  await redis?.stop();
  await dropDatabase(dbName);
});

async function finishedRun(id: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const run = await call('GET', `/api/v1/script-runs/${id}`);
      return run.body.finishedAt ? run.body : null;
    },
    timeoutMs,
    'the script run to finish',
  );
}

describe('scripts', () => {
  it('runs on many machines with parameters as variables; one failing host stops none of the others', async () => {
    const hostile = `it's "$(touch /tmp/overcast-pwned-${randomBytes(3).toString('hex')})" \`id\` ; exit 9 # \\ $HOME`;
    const marker = hostile.match(/\/tmp\/overcast-pwned-\w+/)![0];
    const script = await call('POST', '/api/v1/scripts', {
      name: `report-${randomBytes(3).toString('hex')}`,
      body: 'echo "value=[$GREETING]"\necho "to stderr" >&2\ntest "$FAIL" = yes && exit 3\nexit 0',
      parameters: [
        { name: 'GREETING', required: true },
        { name: 'FAIL', default: 'no' },
      ],
    });
    expect(script.status).toBe(201);
    const ok = await Promise.all(
      sshds.map((s, i) => addSshMachine(`box-${i}`, { sshPort: s.port, sshUser: s.user })),
    );
    // Hostile machine names never reach a shell; an address-less and an unreachable machine fail alone.
    const named = await addSshMachine('$(reboot); `rm -rf /`', {
      sshPort: sshds[0]!.port,
      sshUser: sshds[0]!.user,
    });
    const noAddress = await addSshMachine('no-address', { publicIps: [] });
    const unreachable = await addSshMachine('closed-port', { sshPort: 1, sshUser: sshds[0]!.user });

    const events: { type: string; runId?: string; stream?: string; data?: string }[] = [];
    const sub = createRedis(redis.url(0), { enableOfflineQueue: true });
    await sub.subscribe(orgChannel(organizationId));
    sub.on('message', (_c: string, m: string) => events.push(JSON.parse(m)));

    const started = await call('POST', `/api/v1/scripts/${script.body.id}/runs`, {
      targets: { machineIds: [...ok, named, noAddress, unreachable] },
      params: { GREETING: hostile },
    });
    expect(started.status).toBe(202);
    expect(started.body.targets).toBe(6);
    const run = await finishedRun(started.body.id);
    sub.disconnect();
    expect(run.status).toBe('failed');
    const byMachine = new Map<string, (typeof run.targets)[number]>(
      run.targets.map((t: { machineId: string }) => [t.machineId, t]),
    );
    for (const id of [...ok, named]) {
      const t = byMachine.get(id)!;
      expect(t.status, t.error).toBe('succeeded');
      expect(t.exitCode).toBe(0);
      expect(t.stdout).toBe(`value=[${hostile}]\n`);
      expect(t.stderr).toBe('to stderr\n');
      expect(t.startedAt).toBeTruthy();
      expect(new Date(t.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(t.startedAt).getTime());
    }
    expect(existsSync(marker)).toBe(false);
    expect(byMachine.get(noAddress)!.status).toBe('failed');
    expect(byMachine.get(noAddress)!.error).toMatch(/no address/);
    expect(byMachine.get(unreachable)!.status).toBe('failed');
    expect(byMachine.get(unreachable)!.error).toBeTruthy();
    expect(run.startedBy).toMatch(/@example\.com$/);
    // Output went out live, per machine, while it ran.
    const live = events.filter((e) => e.type === 'script.output' && e.runId === run.id);
    expect(live.some((e) => e.stream === 'stdout' && e.data?.includes('value=['))).toBe(true);
    expect(events.some((e) => e.type === 'script.run' && e.runId === run.id)).toBe(true);

    // Exit codes are kept; editing makes a new version.
    const failing = await call('POST', `/api/v1/scripts/${script.body.id}/runs`, {
      targets: { machineIds: [ok[0]] },
      params: { GREETING: 'x', FAIL: 'yes' },
    });
    const failed = await finishedRun(failing.body.id);
    expect(failed.targets[0].exitCode).toBe(3);
    expect(failed.targets[0].status).toBe('failed');
    const edited = await call('PATCH', `/api/v1/scripts/${script.body.id}`, { body: 'echo v2' });
    expect(edited.body.version).toBe(2);
    const versions = await call('GET', `/api/v1/scripts/${script.body.id}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  }, 60_000);

  it('kills a script that outlives its timeout, with everything it started', async () => {
    // A sleep no other process on this host runs, to look for it afterwards.
    const marker = `3${Math.floor(Math.random() * 1e6)}.5`;
    const sleeping = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .some((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8')
              .split('\0')
              .join(' ')
              .includes(`sleep ${marker}`);
          } catch {
            return false;
          }
        });
    const script = await call('POST', '/api/v1/scripts', {
      name: `sleeper-${randomBytes(3).toString('hex')}`,
      kind: 'executable',
      body: `#!/bin/sh\necho started\nsleep ${marker} & wait\necho never`,
    });
    expect(script.status).toBe(201);
    const id = await addSshMachine('sleepy', { sshPort: sshds[1]!.port, sshUser: sshds[1]!.user });
    const t0 = Date.now();
    const started = await call('POST', `/api/v1/scripts/${script.body.id}/runs`, {
      targets: { machineIds: [id] },
      timeoutSeconds: 2,
    });
    await waitFor(async () => sleeping(), 5_000, 'the background sleep to start');
    const run = await finishedRun(started.body.id, 20_000);
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(run.targets[0].status).toBe('timed_out');
    expect(run.targets[0].stdout).toBe('started\n');
    expect(run.targets[0].error).toMatch(/killed/);
    await waitFor(async () => !sleeping(), 5_000, 'the background sleep to be gone');
  }, 30_000);

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const script = await call('POST', '/api/v1/scripts', {
      name: `p-${randomBytes(3).toString('hex')}`,
      body: 'true',
      parameters: [{ name: 'A' }],
    });
    const runs = () => db.prisma.scriptRun.count({ where: { scriptId: script.body.id } });
    const bad = [
      { targets: {} },
      { targets: { machineIds: [randomUUID()] } },
      { targets: { cloudIds: [sshCloudId] }, params: { NOPE: 'x' } },
      { targets: { cloudIds: [sshCloudId] }, params: { 'A; rm -rf /': 'x' } },
      { targets: { cloudIds: [sshCloudId] }, timeoutSeconds: 3600 },
    ];
    for (const body of bad) {
      const res = await call('POST', `/api/v1/scripts/${script.body.id}/runs`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    expect(await runs()).toBe(0);
    const exec = await call('POST', '/api/v1/scripts', {
      name: 'no-shebang',
      kind: 'executable',
      body: 'echo hi',
    });
    expect(exec.status).toBe(400);
    expect((await call('GET', `/api/v1/script-runs/${randomUUID()}`)).status).toBe(404);
    // Another organization's script is a 404.
    const other = await createOrgWithUser(api.db);
    const otherCookie = await login(api, other);
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/scripts/${script.body.id}`,
      headers: { cookie: otherCookie },
    });
    expect(res.statusCode).toBe(404);
  });
});

const runsOf = (scheduleId: string) =>
  db.prisma.scheduleRun.findMany({ where: { scheduleId }, orderBy: { slot: 'asc' } });

describe('schedules', () => {
  it('previews the next five runs and explains an invalid cron or time zone', async () => {
    const ok = await call('POST', '/api/v1/schedules/preview', {
      trigger: { kind: 'cron', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.nextRuns).toHaveLength(5);
    for (const at of ok.body.nextRuns) {
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        weekday: 'short',
      }).format(new Date(at));
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri),? 09$/);
    }
    const badCron = await call('POST', '/api/v1/schedules/preview', {
      trigger: { kind: 'cron', cron: '61 * * * *' },
    });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error.message).toMatch(/61/);
    const badTz = await call('POST', '/api/v1/schedules/preview', {
      trigger: { kind: 'cron', cron: '* * * * *', timezone: 'Mars/Olympus' },
    });
    expect(badTz.status).toBe(400);
    expect(badTz.body.error.code).toBe('invalid_timezone');
    const created = await call('POST', '/api/v1/schedules', {
      name: 'bad',
      trigger: { kind: 'cron', cron: 'every day' },
      target: { cloudIds: [doCloudId] },
      action: { kind: 'stop' },
    });
    expect(created.status).toBe(400);
    expect(await db.prisma.schedule.count({ where: { name: 'bad' } })).toBe(0);
  });

  it('cron and interval schedules fire on time; a disabled one does not', async () => {
    const make = (name: string, trigger: object, enabled = true) =>
      call('POST', '/api/v1/schedules', {
        name,
        trigger,
        target: {},
        action: { kind: 'notify', message: `hello from ${name}` },
        enabled,
      });
    const cron = await make('every-2s-cron', { kind: 'cron', cron: '*/2 * * * * *' });
    const every = await make('every-2s', { kind: 'interval', intervalSeconds: 2 });
    const off = await make('disabled', { kind: 'interval', intervalSeconds: 1 }, false);
    const onceAt = new Date(Date.now() + 3_000);
    const once = await make('one-date', { kind: 'once', runAt: onceAt.toISOString() });
    expect(once.body.nextRuns).toEqual([onceAt.toISOString()]);
    expect(cron.status).toBe(201);
    expect(cron.body.nextRuns).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 7_000));
    // The runs whose slot has come by now, once each has finished (a slow machine may still be
    // sending the last one's notice).
    const cutoff = Date.now();
    const finished = (id: string) =>
      waitFor(
        async () => {
          const runs = (await runsOf(id)).filter((r) => r.slot.getTime() <= cutoff);
          return runs.every((r) => r.status !== 'running') ? runs : null;
        },
        15_000,
        'the schedule runs to finish',
      );
    for (const s of [cron.body, every.body]) {
      const runs = await finished(s.id);
      expect(runs.length, s.name).toBeGreaterThanOrEqual(2);
      expect(runs.length, s.name).toBeLessThanOrEqual(4);
      for (const r of runs) {
        expect(r.status).toBe('succeeded');
        // Fired within a second of its slot.
        expect(r.firedAt.getTime() - r.slot.getTime()).toBeLessThan(1_000);
        expect(r.firedAt.getTime() - r.slot.getTime()).toBeGreaterThan(-50);
      }
      const gaps = runs.slice(1).map((r, i) => r.slot.getTime() - runs[i]!.slot.getTime());
      for (const g of gaps) expect(g % 2_000).toBe(0);
    }
    expect(await runsOf(off.body.id)).toHaveLength(0);
    const onceRuns = await runsOf(once.body.id);
    expect(onceRuns).toHaveLength(1);
    expect(onceRuns[0]!.slot.toISOString()).toBe(onceAt.toISOString());
    expect(onceRuns[0]!.firedAt.getTime() - onceAt.getTime()).toBeLessThan(1_000);
    const notices = await db.prisma.auditEvent.count({
      where: { organizationId, action: 'notification.send' },
    });
    expect(notices).toBeGreaterThanOrEqual(4);
    const history = await call('GET', `/api/v1/schedules/${every.body.id}/runs`);
    expect(history.body.items.length).toBeGreaterThanOrEqual(2);
    for (const s of [cron.body, every.body]) await call('DELETE', `/api/v1/schedules/${s.id}`);
  }, 30_000);

  it('a worker restart and a Redis restart keep the schedule and never fire a slot twice', async () => {
    const s = await call('POST', '/api/v1/schedules', {
      name: 'survivor',
      trigger: { kind: 'interval', intervalSeconds: 1 },
      target: {},
      action: { kind: 'notify', message: 'tick' },
    });
    await waitFor(async () => (await runsOf(s.body.id)).length >= 2, 10_000, 'first runs');
    await stopWorker();
    startWorker();
    await waitFor(async () => (await runsOf(s.body.id)).length >= 4, 20_000, 'runs after the worker restart');
    await redis.restart();
    const before = (await runsOf(s.body.id)).length;
    await waitFor(
      async () => (await runsOf(s.body.id)).length >= before + 3,
      30_000,
      'runs after the Redis restart',
    );
    // Every scheduler the worker keeps came back with the schedules': maintenance and monitoring too.
    const probe = createRedis(redis.url(0), { enableOfflineQueue: true });
    const schedulers = async (queue: string) => probe.zrange(`${QUEUE_PREFIX}:${queue}:repeat`, 0, -1);
    await waitFor(
      async () =>
        (await schedulers(QUEUES.maintenance)).includes('sessions-cleanup') &&
        (await schedulers(QUEUES.metrics)).includes('metrics:collect') &&
        (await schedulers(QUEUES.rules)).includes('rules:evaluate'),
      10_000,
      'the maintenance and monitoring schedulers after the Redis restart',
    );
    probe.disconnect();
    await call('PATCH', `/api/v1/schedules/${s.body.id}`, { enabled: false });
    const runs = await runsOf(s.body.id);
    const slots = runs.map((r) => r.slot.getTime());
    expect(new Set(slots).size).toBe(slots.length);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(1_000);
    const notices = await db.prisma.auditEvent.count({
      where: { organizationId, action: 'notification.send', details: { path: ['text'], equals: 'tick' } },
    });
    expect(notices).toBe(runs.length);
    // Disabled: nothing more fires.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await runsOf(s.body.id)).length).toBeLessThanOrEqual(runs.length + 1);
  }, 90_000);

  it('a one-date schedule runs a script with its parameters, and its run links the script run', async () => {
    const script = await call('POST', '/api/v1/scripts', {
      name: `scheduled-${randomBytes(3).toString('hex')}`,
      body: 'echo "scheduled $WHAT"',
      parameters: [{ name: 'WHAT', required: true }],
    });
    const id = await addSshMachine('scheduled-box', { sshPort: sshds[2]!.port, sshUser: sshds[2]!.user });
    const runAt = new Date(Date.now() + 2_000);
    const s = await call('POST', '/api/v1/schedules', {
      name: `once-script-${randomBytes(3).toString('hex')}`,
      trigger: { kind: 'once', runAt: runAt.toISOString() },
      target: { machineIds: [id] },
      action: { kind: 'run_script', scriptId: script.body.id, params: { WHAT: 'backup' } },
    });
    expect(s.status).toBe(201);
    const fired = await waitFor(
      async () => (await runsOf(s.body.id)).find((r) => r.finishedAt),
      10_000,
      'the firing',
    );
    const [result] = fired.results as { machineId: string; result: string; scriptRunId: string }[];
    expect(result).toMatchObject({ machineId: id, result: 'started' });
    const run = await finishedRun(result!.scriptRunId);
    expect(run.scheduleRunId).toBe(fired.id);
    expect(run.startedBy).toBe(`schedule: ${s.body.name}`);
    expect(run.targets[0].stdout).toBe('scheduled backup\n');
    // Done once: nothing is left to fire.
    const after = await call('GET', `/api/v1/schedules/${s.body.id}`);
    expect(after.body.runCount).toBe(1);
    expect(after.body.nextRuns).toEqual([]);
  }, 30_000);

  it('a tag target picks up a machine tagged later; power actions reach the provider', async () => {
    const machines = await db.prisma.machine.findMany({
      where: { cloudId: doCloudId },
      orderBy: { name: 'asc' },
    });
    const [first, second] = machines;
    await call('POST', `/api/v1/machines/${first!.id}/tags`, { tags: { team: 'nightly' } });
    const s = await call('POST', '/api/v1/schedules', {
      name: 'nightly-reboot',
      trigger: { kind: 'interval', intervalSeconds: 2 },
      target: { tags: { team: 'nightly' } },
      action: { kind: 'reboot' },
    });
    expect(s.status).toBe(201);
    const firstRun = await waitFor(
      async () => (await runsOf(s.body.id)).find((r) => r.finishedAt),
      10_000,
      'a run',
    );
    expect((firstRun.results as { machineId: string }[]).map((r) => r.machineId)).toEqual([first!.id]);
    await call('POST', `/api/v1/machines/${second!.id}/tags`, { tags: { team: 'nightly' } });
    const later = await waitFor(
      async () =>
        (await runsOf(s.body.id)).find((r) => r.finishedAt && (r.results as unknown[]).length === 2),
      10_000,
      'a run with both machines',
    );
    expect((later.results as { result: string }[]).every((r) => r.result === 'done')).toBe(true);
    await call('PATCH', `/api/v1/schedules/${s.body.id}`, { enabled: false });
    const reboots = sim.requestLog.filter(
      (r) => r.method === 'POST' && /droplets\/\d+\/actions/.test(r.path),
    );
    expect(reboots.length).toBeGreaterThanOrEqual(3);
    const events = await db.prisma.machineEvent.findMany({
      where: { machineId: second!.id, kind: 'action' },
    });
    expect(events.some((e) => (e.data as { by: string }).by === 'schedule: nightly-reboot')).toBe(true);
  }, 30_000);
});

describe('expiration', () => {
  it('warns before the date and stops the machine at it, recorded in its history', async () => {
    const machine = (
      await db.prisma.machine.findMany({
        where: { cloudId: doCloudId, state: 'running' },
        orderBy: { name: 'desc' },
      })
    )[0]!;
    const past = await call('PUT', `/api/v1/machines/${machine.id}/expiration`, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      action: 'stop',
    });
    expect(past.status).toBe(400);
    const at = new Date(Date.now() + 4_000);
    const set = await call('PUT', `/api/v1/machines/${machine.id}/expiration`, {
      expiresAt: at.toISOString(),
      action: 'stop',
      notifyMinutesBefore: 5,
    });
    expect(set.status).toBe(200);
    const soon = await call('GET', '/api/v1/machines/expiring?withinHours=1');
    expect(soon.body.items.map((m: { machineId: string }) => m.machineId)).toContain(machine.id);
    const detail = await call('GET', `/api/v1/machines/${machine.id}`);
    expect(detail.body.expiration.action).toBe('stop');
    await waitFor(
      async () =>
        db.prisma.auditEvent.findFirst({
          where: {
            organizationId,
            action: 'notification.send',
            details: { path: ['severity'], equals: 'warning' },
          },
        }),
      5_000,
      'the notice',
    );
    const expired = await waitFor(
      async () =>
        db.prisma.machineEvent.findFirst({
          where: { machineId: machine.id, kind: 'expiration', data: { path: ['expired'], equals: true } },
        }),
      10_000,
      'the expiration',
    );
    expect(expired.createdAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    // Within the check interval (1 s here) plus the provider's answer, on a loaded machine.
    expect(expired.createdAt.getTime() - at.getTime()).toBeLessThan(6_000);
    const droplet = sim
      .account(TOKEN)
      .listDroplets()
      .find((d) => String(d.id) === machine.externalId);
    expect(droplet?.status).toBe('off');
    const after = await call('GET', `/api/v1/machines/${machine.id}`);
    expect(after.body.expiration).toBeNull();
  }, 30_000);
});
