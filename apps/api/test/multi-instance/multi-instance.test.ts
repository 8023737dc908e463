import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { createRedis, loadSettings, workerHeartbeatKey } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedTo } from '../../../../test/support/connections';
import { type HaproxyHandle, SERVED_BY, startHaproxy } from '../../../../test/support/haproxy';
import { createMigratedDatabase, dropDatabase } from '../../../../test/support/postgres';
import { type RedisServer, startRedisServer } from '../../../../test/support/redis';
import { type SshdHandle, startSshd } from '../../../../test/support/sshd';
import { waitFor } from '../../../worker/test/support/harness';
import { createOrgWithUser, uniqueIp } from '../support/harness';
import { LiveStream, Terminal } from './clients';
import { type Instance, startApi, startWorker } from './instances';
import { startSlowWebhook } from './slow-webhook';

// Two apis behind HAProxy and three workers, as real processes from the built entry points, on
// one Postgres database and one Redis. One api and one worker are killed (SIGKILL) while a cloud
// is polled, a schedule fires, scripts run over SSH and a stream and terminals are open; then
// nothing may be lost and nothing done twice.
//
// The database and redis-server are this file's own, as in the worker's automation test: queue
// names are fixed and workers rebuild every schedule and poll they find in Postgres, so other
// files' workers on the run's shared ones would take these jobs, and these workers theirs.

const dbName = `overcast_multi_${randomBytes(4).toString('hex')}`;
const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
const TOKEN = 'multi-instance-token';
/** Seconds between a schedule's firings. */
const EVERY = 2;

let db: Database;
let redis: RedisServer;
let proxy: HaproxyHandle;
let sim: DigitalOceanSim;
let webhook: Awaited<ReturnType<typeof startSlowWebhook>>;
let cookie: string;
let organizationId: string;
const apis: Instance[] = [];
const workers: Instance[] = [];
const sshds: SshdHandle[] = [];
const streams: LiveStream[] = [];
const terminals: Terminal[] = [];

/** One request through HAProxy, as the signed-in owner; which api answered comes along. */
async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${proxy.url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, server: res.headers.get(SERVED_BY) };
}

const machineCount = async (cloudId: string) =>
  (await call('GET', `/api/v1/machines?cloud=${cloudId}`)).body?.total as number;

/** Opens sockets until one is served by each api; `served` says which api took one. */
async function onEachApi<T>(open: () => Promise<T>, served: (socket: T) => string): Promise<Map<string, T>> {
  const byApi = new Map<string, T>();
  for (let i = 0; i < 12 && byApi.size < apis.length; i++) {
    const socket = await open();
    if (!byApi.has(served(socket))) byApi.set(served(socket), socket);
  }
  if (byApi.size < apis.length) throw new Error(`sockets reached only ${[...byApi.keys()].join(', ')}`);
  return byApi;
}

async function openTerminal(machineId: string): Promise<Terminal> {
  const terminal = new Terminal(proxy.url, cookie, machineId);
  terminals.push(terminal);
  await terminal.opened;
  await waitFor(async () => terminal.connected, 15_000, 'the terminal to connect').catch((err) => {
    throw new Error(`${err}: ${JSON.stringify(terminal.controls)}`);
  });
  return terminal;
}

/** Types a line that prints a marker only the shell's answer can contain, and waits for it. */
async function echoes(terminal: Terminal, what: string): Promise<void> {
  terminal.type(`echo ${what}-$((40+2))`);
  await waitFor(
    async () => terminal.text().includes(`${what}-42`),
    15_000,
    `the terminal to answer ${what}`,
  ).catch((err) => {
    throw new Error(`${err}: ${JSON.stringify(terminal.text())} ${JSON.stringify(terminal.controls)}`);
  });
}

beforeAll(async () => {
  const url = await createMigratedDatabase(dbName);
  db = createDatabase({ url, max: 4 });
  await migrateDeploy(db.pool);
  redis = await startRedisServer();
  const env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: redis.url(0),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: 'warn',
    OVERCAST_POLL_MACHINES_SECONDS: '5',
    // One machine at a time per run: a run killed mid-way has machines done, one running and
    // some still queued.
    OVERCAST_AUTOMATION_SCRIPT_CONCURRENCY: '1',
  };
  // One settings file for every process: the same session secret and credentials key.
  loadSettings({ dir: settingsDir, create: true, env });
  apis.push(...(await Promise.all([startApi('api-0', env), startApi('api-1', env)])));
  proxy = await startHaproxy(apis.map((a) => ({ name: a.name, port: a.port })));
  for (let i = 0; i < 3; i++) workers.push(startWorker(`worker-${i}`, env));
  const heartbeats = createRedis(redis.url(0), { enableOfflineQueue: true });
  try {
    await waitFor(
      async () =>
        (
          await Promise.all(workers.map((w) => heartbeats.get(workerHeartbeatKey(`${hostname()}:${w.pid}`))))
        ).every(Boolean),
      30_000,
      'three workers to start',
    ).catch((err) => {
      throw new Error(`${err}\n${workers.map((w) => w.output()).join('\n')}`);
    });
  } finally {
    heartbeats.disconnect();
  }
  sim = await startDigitalOceanSim({
    accounts: [{ token: TOKEN, droplets: 3, namePrefix: 'do' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  // Each firing's notice goes to a webhook that answers slowly: firings are seconds long.
  webhook = await startSlowWebhook(1_200);
  const owner = await createOrgWithUser(db);
  organizationId = owner.organizationId;
  const login = await fetch(`${proxy.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() },
    body: JSON.stringify({ email: owner.email, password: owner.password }),
  });
  expect(login.status).toBe(200);
  cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
}, 180_000);

afterAll(async () => {
  for (const s of streams) s.close();
  for (const t of terminals) t.close();
  await Promise.all([...workers, ...apis].map((p) => p.stop()));
  await proxy?.stop();
  for (const s of sshds) await s.stop();
  await sim?.close();
  await webhook?.close();
  await db?.close();
  await redis?.stop();
  await dropDatabase(dbName);
  rmSync(settingsDir, { recursive: true, force: true });
});

describe('several apis and workers on one Postgres and Redis', () => {
  it('survive a killed api and a killed worker: polls, schedules, scripts and sockets go on, nothing runs twice', async () => {
    // A cloud on the DigitalOcean emulator: polled, its machines appear.
    const cloud = await call('POST', '/api/v1/clouds', {
      provider: 'digitalocean',
      title: 'do',
      credentials: { token: TOKEN },
      endpoint: sim.url,
    });
    expect(cloud.status, JSON.stringify(cloud.body)).toBe(201);
    await waitFor(async () => (await machineCount(cloud.body.id)) === 3, 30_000, 'the first poll');

    // Three SSH hosts (OpenSSH on loopback), logged into with the organization's default key.
    const key = await call('POST', '/api/v1/ssh-keys', { name: 'deploy', isDefault: true });
    expect(key.status).toBe(201);
    for (let i = 0; i < 3; i++) sshds.push(await startSshd({ authorizedKeys: [key.body.publicKey] }));
    const rack = await call('POST', '/api/v1/clouds', {
      provider: 'ssh_host',
      title: 'rack',
      credentials: {},
      config: {
        hosts: sshds.map((s, i) => ({ name: `box-${i}`, address: s.host, port: s.port, username: s.user })),
      },
      pollIntervalSeconds: 3600,
    });
    expect(rack.status, JSON.stringify(rack.body)).toBe(201);
    await waitFor(async () => (await machineCount(rack.body.id)) === 3, 30_000, 'the SSH hosts');
    const boxes = (await call('GET', `/api/v1/machines?cloud=${rack.body.id}`)).body.items as {
      id: string;
      name: string;
    }[];
    const sshdOf = (machineName: string) => sshds[Number(machineName.replace('box-', ''))]!;

    // A stream and a terminal on each api.
    const streamOn = await onEachApi(
      async () => {
        const stream = new LiveStream(proxy.url, cookie);
        streams.push(stream);
        return waitFor(async () => (stream.server ? stream : null), 10_000, 'the stream to open');
      },
      (s) => s.connections[0]!,
    );
    const terminalOn = await onEachApi(
      () => openTerminal(boxes[0]!.id),
      (t) => t.server,
    );
    for (const [name, terminal] of terminalOn) await echoes(terminal, name);

    const channel = await call('POST', '/api/v1/notification-channels', {
      kind: 'webhook',
      name: 'hooks',
      url: webhook.url,
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const schedule = await call('POST', '/api/v1/schedules', {
      name: 'tick',
      trigger: { kind: 'interval', intervalSeconds: EVERY },
      target: {},
      action: { kind: 'notify', message: 'tick' },
    });
    expect(schedule.status).toBe(201);

    // Each run appends its mark on each machine once, then takes a while.
    const script = await call('POST', '/api/v1/scripts', {
      name: 'mark',
      body: 'echo "$MARK" >> "$HOME/ran"\nsleep 2\necho done',
      parameters: [{ name: 'MARK', required: true }],
    });
    expect(script.status).toBe(201);
    const runs: { id: string; mark: string }[] = [];
    let lastStart = 0;
    const startRun = async () => {
      lastStart = Date.now();
      const mark = `run-${runs.length}`;
      const res = await call('POST', `/api/v1/scripts/${script.body.id}/runs`, {
        targets: { cloudIds: [rack.body.id] },
        params: { MARK: mark },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      runs.push({ id: res.body.id, mark });
    };
    await startRun();

    // Mid-work: a worker in the middle of a firing (delivering its notice) and of a script (an SSH
    // session open), and one api, die at once.
    const busy = (w: Instance) =>
      connectedTo(webhook.port, [w.pid]).length > 0 &&
      sshds.some((s) => connectedTo(s.port, [w.pid]).length > 0);
    // Runs keep starting meanwhile, so scripts are under way on more than one worker.
    const victim = await waitFor(
      async () => {
        const found = workers.find(busy);
        if (!found && runs.length < 12 && Date.now() - lastStart > 1_500) await startRun();
        return found;
      },
      45_000,
      'a worker running a script and a firing',
    );
    const [deadApi, survivor] = apis as [Instance, Instance];
    const killedAt = Date.now();
    await Promise.all([victim.kill(), deadApi.kill()]);

    // Requests go on at once: a refused connection is tried again on the other api.
    for (let i = 0; i < 6; i++) {
      const me = await call('GET', '/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.server).toBe(survivor.name);
    }
    for (let i = 0; i < 2; i++) await startRun();

    // The stream that was on the dead api reconnects, through HAProxy, to the survivor.
    const moved = streamOn.get(deadApi.name)!;
    await waitFor(async () => moved.server === survivor.name && moved.hellos === 2, 15_000, 'the reconnect');
    expect(moved.connections).toEqual([deadApi.name, survivor.name]);
    const stayed = streamOn.get(survivor.name)!;
    expect(stayed.connections).toEqual([survivor.name]);

    // The terminal on the survivor still answers; the one on the dead api ended, and a new one works.
    await echoes(terminalOn.get(survivor.name)!, 'still-here');
    await waitFor(
      async () => terminalOn.get(deadApi.name)!.closed,
      10_000,
      'the dead api’s terminal to close',
    );
    const reopened = await openTerminal(boxes[0]!.id);
    expect(reopened.server).toBe(survivor.name);
    await echoes(reopened, 'reopened');

    // Polls go on: a droplet made at the provider after the kill shows up, and both streams hear it.
    sim.account(TOKEN).seed(1, 'late');
    await waitFor(async () => (await machineCount(cloud.body.id)) === 4, 30_000, 'the new droplet');
    for (const stream of [moved, stayed]) {
      await waitFor(
        async () =>
          stream.events.some(
            (e) =>
              e.connection === stream.connections.length &&
              e.type === 'machine.changed' &&
              e.kind === 'created' &&
              e.cloudId === cloud.body.id,
          ),
        10_000,
        'the new machine on the stream',
      );
    }

    // Every run finishes on every machine; the killed worker's run once BullMQ sees its lock lapse.
    const finished = await waitFor(
      async () => {
        const all = await Promise.all(runs.map((r) => call('GET', `/api/v1/script-runs/${r.id}`)));
        return all.every((r) => r.body.finishedAt) && all.map((r) => r.body);
      },
      90_000,
      'every script run to finish',
    ).catch((err) => {
      throw new Error(`${err}\n${workers.map((w) => w.output()).join('\n')}`);
    });
    const off = await call('PATCH', `/api/v1/schedules/${schedule.body.id}`, { enabled: false });
    expect(off.status).toBe(200);

    // Scripts: each run ran once on each machine, counted by the machines themselves.
    const marks = sshds.map((s) => readFileSync(join(s.dir, 'ran'), 'utf8').trim().split('\n'));
    let interrupted = 0;
    for (const [i, run] of finished.entries()) {
      const { mark } = runs[i]!;
      expect(run.targets).toHaveLength(3);
      for (const target of run.targets) {
        const times = marks[sshds.indexOf(sshdOf(target.machineName))]!.filter((m) => m === mark).length;
        if (target.status === 'failed' && /worker stopped/.test(target.error ?? '')) {
          // Running when its worker died: reported as unknown, never started again.
          interrupted += 1;
          expect(times, `${mark} on ${target.machineName}`).toBeLessThanOrEqual(1);
        } else {
          expect(target.status, `${mark} on ${target.machineName}: ${target.error}`).toBe('succeeded');
          expect(target.stdout).toBe('done\n');
          expect(times, `${mark} on ${target.machineName}`).toBe(1);
        }
      }
    }
    expect(interrupted).toBeLessThanOrEqual(workers.length);
    for (const lines of marks) for (const m of lines) expect(runs.map((r) => r.mark)).toContain(m);

    // The schedule: every due time from the first to the last fired, each once, and each firing's
    // record is closed (the killed worker's once BullMQ hands its job on).
    const fired = await waitFor(
      async () => {
        const rows = await db.prisma.scheduleRun.findMany({
          where: { scheduleId: schedule.body.id },
          orderBy: { slot: 'asc' },
        });
        return rows.every((r) => r.finishedAt) && rows;
      },
      60_000,
      'every firing to be finished',
    );
    const slots = fired.map((r) => r.slot.getTime());
    expect(slots[0]!).toBeLessThan(killedAt);
    expect(slots.at(-1)!).toBeGreaterThan(killedAt + 5_000);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(EVERY * 1000);
    // A firing its worker died in says so; it is not fired again, so its notice went once or not at all.
    const cut = fired.filter((r) => r.status === 'failed' && /worker stopped/.test(r.error ?? ''));
    expect(cut.length).toBeGreaterThanOrEqual(1);
    for (const r of cut) {
      // Firings under way at the kill (a slow machine may have had two in flight).
      expect(r.slot.getTime()).toBeLessThan(killedAt);
      expect(r.slot.getTime()).toBeGreaterThan(killedAt - 15_000);
    }
    const done = fired.filter((r) => r.status === 'succeeded');
    expect(done.length + cut.length).toBe(fired.length);
    expect(webhook.received.length).toBeGreaterThanOrEqual(done.length);
    expect(webhook.received.length).toBeLessThanOrEqual(fired.length);
    const notices = await db.prisma.auditEvent.count({
      where: { organizationId, action: 'notification.send', details: { path: ['text'], equals: 'tick' } },
    });
    expect(notices).toBeGreaterThanOrEqual(done.length);
    expect(notices).toBeLessThanOrEqual(fired.length);

    // Polls kept their pace after the kill.
    const polled = await call('GET', `/api/v1/clouds/${cloud.body.id}`);
    expect(new Date(polled.body.lastPollAt).getTime()).toBeGreaterThan(killedAt);
    expect(polled.body.pollStatus).toBe('ok');
  }, 180_000);
});
