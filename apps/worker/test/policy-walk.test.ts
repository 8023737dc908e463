import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DigitalOceanSim,
  type DockerSim,
  startDigitalOceanSim,
  startDockerSim,
} from '@overcast/cloud-sim';
import { executeScriptRun } from '@overcast/core/automation';
import { sealCredentials } from '@overcast/core/clouds';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { createLogger, createRedis, loadSettings, SecretBox, type Settings } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, dropDatabase } from '../../../test/support/postgres';
import { type RedisServer, startRedisServer } from '../../../test/support/redis';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import {
  addMember,
  createOrgWithUser,
  login,
  startTestApi,
  type TestApi,
} from '../../api/test/support/harness';
import { spawnWorker, waitFor } from './support/harness';

// The policy walk over every path that reaches a machine, for a member whose team denies shell,
// act, delete and run on machines tagged env=prod: direct requests, script runs, schedules as
// they fire, rules as they fire, expirations when due, engines reached through a machine, and
// retagging. The real api (in process), the built worker (a child process), OpenSSH on loopback,
// and the DigitalOcean and Docker emulators.

const dbName = `overcast_policy_walk_${randomBytes(4).toString('hex')}`;
const scratch = mkdtempSync(join(tmpdir(), 'overcast-policy-walk-'));
const settingsDir = join(scratch, 'settings');
const TOKEN = 'policy-walk-token';
const credentialsKey = randomBytes(32).toString('base64');

let db: Database;
let redis: RedisServer;
let api: TestApi;
let sim: DigitalOceanSim;
let docker: DockerSim;
let sshd: SshdHandle;
let worker: ChildProcess | null = null;
let settings: Settings;
let ownerCookie: string;
let memberCookie: string;
let memberId: string;
let organizationId: string;
let doCloudId: string;
let scriptId: string;
/** SSH machines on the loopback sshd (in a disabled cloud that is never polled: reached at their own address). */
let prodBox: string;
let devBox: string;
/** Droplets, by role in the tests below. */
type Droplet = { id: string; externalId: string };
let prodA: Droplet;
let prodB: Droplet;
let devA: Droplet;
let devB: Droplet;

const call = async (as: string, method: string, url: string, payload?: unknown) => {
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    payload: payload as object,
    headers: { cookie: as },
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};
const asOwner = (method: string, url: string, payload?: unknown) => call(ownerCookie, method, url, payload);
const asMember = (method: string, url: string, payload?: unknown) => call(memberCookie, method, url, payload);

async function tag(id: string, tags: Record<string, string>) {
  expect((await asOwner('POST', `/api/v1/machines/${id}/tags`, { tags })).status).toBe(204);
}

async function sshMachine(name: string) {
  const m = await db.prisma.machine.create({
    data: {
      organizationId,
      cloudId: (await db.prisma.cloud.findFirstOrThrow({ where: { organizationId, title: 'hosts' } })).id,
      externalId: `m-${randomBytes(4).toString('hex')}`,
      name,
      state: 'running',
      publicIps: ['127.0.0.1'],
      sshPort: sshd.port,
      sshUser: sshd.user,
    },
  });
  return m.id;
}

const droplet = (externalId: string) =>
  sim
    .account(TOKEN)
    .listDroplets()
    .find((d) => String(d.id) === externalId);
const dropletActions = (externalId: string) =>
  sim.requestLog.filter((r) => r.method === 'POST' && r.path.includes(`/droplets/${externalId}/actions`));
const dropletDeletes = (externalId: string) =>
  sim.requestLog.filter((r) => r.method === 'DELETE' && r.path.includes(`/droplets/${externalId}`));

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
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
    OVERCAST_AUTOMATION_EXPIRATION_CHECK_SECONDS: '1',
    OVERCAST_MONITORING_EVALUATE_SECONDS: '10',
    OVERCAST_LOG_LEVEL: process.env.WORKER_LOGS ? 'info' : 'warn',
  };
  ({ settings } = loadSettings({ dir: settingsDir, create: true, env }));
  api = await startTestApi({
    DATABASE_URL: url,
    REDIS_URL: redis.url(0),
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
    OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
  });
  const owner = await createOrgWithUser(api.db);
  organizationId = owner.organizationId;
  ownerCookie = await login(api, owner);

  const key = await asOwner('POST', '/api/v1/ssh-keys', { name: 'deploy', isDefault: true });
  expect(key.status).toBe(201);
  sshd = await startSshd({ authorizedKeys: [key.body.publicKey] });
  await db.prisma.cloud.create({
    data: {
      organizationId,
      provider: 'digitalocean',
      title: 'hosts',
      credentials: Buffer.from('x'),
      enabled: false,
    },
  });
  prodBox = await sshMachine('prod-box');
  devBox = await sshMachine('dev-box');

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
  docker = await startDockerSim({ socketPath: join(scratch, 'docker.sock'), pullStepMs: 5 });
  docker.engine.addImage('alpine:3.20');
  docker.engine.start(
    docker.engine.createContainer({ name: 'prod-db', image: 'alpine:3.20', labels: { env: 'prod' } }).id,
  );
  docker.engine.start(docker.engine.createContainer({ name: 'app', image: 'alpine:3.20' }).id);

  worker = spawnWorker(env);
  const droplets = await waitFor(
    async () => {
      const rows = await db.prisma.machine.findMany({
        where: { cloudId: doCloudId },
        orderBy: { name: 'asc' },
      });
      return rows.length === 4 && rows;
    },
    30_000,
    'the first poll',
  );
  [prodA, prodB, devA, devB] = droplets.map((d) => ({ id: d.id, externalId: d.externalId })) as [
    Droplet,
    Droplet,
    Droplet,
    Droplet,
  ];
  for (const m of [prodBox, prodA.id, prodB.id]) await tag(m, { env: 'prod' });
  for (const m of [devBox, devA.id, devB.id]) await tag(m, { env: 'dev' });

  const script = await asOwner('POST', '/api/v1/scripts', { name: 'hello', body: 'echo ran' });
  expect(script.status).toBe(201);
  scriptId = script.body.id;

  const member = await addMember(api, organizationId, 'member');
  memberCookie = member.cookie;
  memberId = member.userId;
  const team = (await asOwner('POST', '/api/v1/teams', { name: 'no-prod' })).body;
  expect(
    (await asOwner('PUT', `/api/v1/teams/${team.id}/members`, { userIds: [member.userId] })).status,
  ).toBe(200);
  const prod = { env: 'prod' };
  const policies = await asOwner('PUT', `/api/v1/teams/${team.id}/policies`, {
    policies: [
      { effect: 'allow', action: '*', kind: '*' },
      ...(['shell', 'act', 'delete', 'run'] as const).map((action) => ({
        effect: 'deny',
        action,
        kind: 'machines',
        tags: prod,
      })),
    ],
  });
  expect(policies.status).toBe(200);
}, 120_000);

afterAll(async () => {
  const w = worker;
  if (w && w.exitCode === null) {
    const gone = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM');
    await gone;
  }
  await api?.close();
  await sshd?.stop();
  await sim?.close();
  await docker?.close();
  await db?.close();
  await redis?.stop();
  await dropDatabase(dbName);
  rmSync(scratch, { recursive: true, force: true });
});

async function finishedRun(id: string) {
  return waitFor(
    async () => {
      const run = await asOwner('GET', `/api/v1/script-runs/${id}`);
      return run.body.finishedAt ? run.body : null;
    },
    30_000,
    'the script run to finish',
  );
}

const scheduleRuns = (scheduleId: string) =>
  db.prisma.scheduleRun.findMany({
    where: { scheduleId, finishedAt: { not: null } },
    orderBy: { slot: 'asc' },
  });
const firstRun = (scheduleId: string) =>
  waitFor(async () => (await scheduleRuns(scheduleId))[0], 15_000, 'the first firing');

describe('the policy walk: a member denied shell, act, delete and run on env=prod machines', () => {
  it('is refused on every direct path to such a machine, and nothing is done', async () => {
    const before = sim.requestLog.length;
    for (const action of ['start', 'stop', 'reboot', 'destroy'] as const) {
      const res = await asMember('POST', `/api/v1/machines/${prodB.id}/actions`, { action });
      expect(res.status, action).toBe(403);
    }
    // Opening a terminal is refused before the upgrade (an allowed one would answer 426 here).
    expect((await asMember('GET', `/api/v1/machines/${prodBox}/shell`)).status).toBe(403);
    expect((await asMember('GET', `/api/v1/machines/${devBox}/shell`)).status).toBe(426);
    expect(sim.requestLog.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a script run reaches only the machines its starter may run scripts on; the others are kept as not allowed', async () => {
    const runs = () => db.prisma.scriptRun.count({ where: { scriptId } });
    const before = await runs();
    const denied = await asMember('POST', `/api/v1/scripts/${scriptId}/runs`, {
      targets: { machineIds: [prodBox] },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/run scripts on prod-box/);
    expect(await runs()).toBe(before);

    // Many machines at once: each one is decided on its own.
    const both = await asMember('POST', `/api/v1/scripts/${scriptId}/runs`, {
      targets: { machineIds: [devBox, prodBox] },
    });
    expect(both.status).toBe(202);
    const run = await finishedRun(both.body.id);
    const of = (id: string) => run.targets.find((t: { machineId: string }) => t.machineId === id);
    expect(of(devBox)).toMatchObject({ status: 'succeeded', stdout: 'ran\n' });
    expect(of(prodBox)).toMatchObject({ status: 'skipped', stdout: '', exitCode: null });
    expect(of(prodBox).error).toMatch(/^not allowed: .* may not run scripts on this machine$/);
  }, 40_000);

  it('a queued run is checked again when it runs: a machine retagged env=prod since is skipped', async () => {
    const box = await sshMachine('later-prod');
    // What a run the member started on an allowed machine leaves for the worker (as startScriptRun
    // writes it); the machine is retagged before the worker's step, which runs here so the order is certain.
    const run = await db.prisma.scriptRun.create({
      data: { organizationId, scriptId, version: 1, startedById: memberId, startedByLabel: 'the member' },
    });
    await db.prisma.scriptRunTarget.create({
      data: { runId: run.id, machineId: box, machineName: 'later-prod' },
    });
    await tag(box, { env: 'prod' });
    const redisClient = createRedis(redis.url(0));
    try {
      await executeScriptRun(
        {
          db,
          box: new SecretBox(credentialsKey),
          redis: redisClient,
          settings,
          logger: createLogger('silent', 'policy-walk-test'),
        },
        run.id,
      );
    } finally {
      redisClient.disconnect();
    }
    const [target] = (await finishedRun(run.id)).targets;
    expect(target).toMatchObject({ status: 'skipped', stdout: '', startedAt: null });
    expect(target.error).toBe('not allowed: the member may not run scripts on this machine');
  });

  it('retagging may not open up a right the member does not hold', async () => {
    const retag = await asMember('POST', `/api/v1/machines/${prodBox}/tags`, { tags: { env: 'dev' } });
    expect(retag.status).toBe(403);
    expect(retag.body.error.message).toMatch(/open a shell on/);
    expect((await asMember('DELETE', `/api/v1/machines/${prodBox}/tags/env`)).status).toBe(403);
    const tags = await db.prisma.tag.findMany({ where: { resourceId: prodBox, key: 'env' } });
    expect(tags.map((t) => t.value)).toEqual(['prod']);
    expect((await asMember('GET', `/api/v1/machines/${prodBox}/shell`)).status).toBe(403);
    // A tag no policy mentions, or one that only takes rights away, is the member's to set.
    expect(
      (await asMember('POST', `/api/v1/machines/${prodBox}/tags`, { tags: { owner: 'web' } })).status,
    ).toBe(204);
    const spare = await sshMachine('spare-box');
    expect((await asMember('POST', `/api/v1/machines/${spare}/tags`, { tags: { env: 'prod' } })).status).toBe(
      204,
    );
    expect((await asMember('GET', `/api/v1/machines/${spare}/shell`)).status).toBe(403);
  });

  it('an expiration acts with the rights of whoever set it, checked again when it is due', async () => {
    const at = () => new Date(Date.now() + 3_000).toISOString();
    const refused = await asMember('PUT', `/api/v1/machines/${prodB.id}/expiration`, {
      expiresAt: at(),
      action: 'destroy',
    });
    expect(refused.status).toBe(403);
    expect((await db.prisma.machine.findUniqueOrThrow({ where: { id: prodB.id } })).expiresAt).toBeNull();

    // Allowed when set; by the time it is due the machine is prod, so it is not destroyed.
    const set = await asMember('PUT', `/api/v1/machines/${devA.id}/expiration`, {
      expiresAt: at(),
      action: 'destroy',
    });
    expect(set.status).toBe(200);
    await tag(devA.id, { env: 'prod' });
    const expired = await waitFor(
      () =>
        db.prisma.machineEvent.findFirst({
          where: { machineId: devA.id, kind: 'expiration', data: { path: ['expired'], equals: true } },
        }),
      15_000,
      'the expiration',
    );
    expect(expired.data).toMatchObject({
      result: 'failed',
      error: expect.stringMatching(/^Not allowed: .*destroy/),
    });
    expect(dropletDeletes(devA.externalId)).toEqual([]);
    expect(droplet(devA.externalId)).toBeTruthy();
  }, 30_000);

  it('a schedule acts for its maker when it fires: denied machines are skipped, and with none left it turns off saying why', async () => {
    // Bulk: one machine allowed, one not.
    const mixed = await asMember('POST', '/api/v1/schedules', {
      name: 'reboot-both',
      trigger: { kind: 'interval', intervalSeconds: 2 },
      target: { machineIds: [devB.id, prodB.id] },
      action: { kind: 'reboot' },
    });
    expect(mixed.status).toBe(201);
    // Everything it targets is denied: a script on env=prod.
    const prodOnly = await asMember('POST', '/api/v1/schedules', {
      name: 'script-on-prod',
      trigger: { kind: 'interval', intervalSeconds: 2 },
      target: { tags: { env: 'prod' } },
      action: { kind: 'run_script', scriptId },
    });
    expect(prodOnly.status).toBe(201);

    const first = await firstRun(mixed.body.id);
    const results = first.results as { machineId: string; result: string; error?: string }[];
    expect(results.find((r) => r.machineId === devB.id)?.result).toBe('done');
    expect(results.find((r) => r.machineId === prodB.id)).toMatchObject({
      result: 'skipped',
      error: expect.stringMatching(/^not allowed: /),
    });
    expect(dropletActions(prodB.externalId)).toEqual([]);
    expect((await asMember('GET', `/api/v1/schedules/${mixed.body.id}`)).body.enabled).toBe(true);

    const fired = await firstRun(prodOnly.body.id);
    expect(fired.status).toBe('failed');
    expect(fired.error).toMatch(/^Not allowed: .* may no longer run scripts on any machine it targets/);
    expect((fired.results as { result: string }[]).every((r) => r.result === 'skipped')).toBe(true);
    expect(await db.prisma.scriptRun.count({ where: { scheduleRunId: fired.id } })).toBe(0);
    const off = (await asMember('GET', `/api/v1/schedules/${prodOnly.body.id}`)).body;
    expect(off.enabled).toBe(false);
    expect(off.disabledReason).toMatch(/^Not allowed: /);
    expect(off.nextRuns).toEqual([]);

    // The maker loses the right to the last machine it could act on: it turns off too.
    await tag(devB.id, { env: 'prod' });
    const lost = await waitFor(
      async () => {
        const s = (await asOwner('GET', `/api/v1/schedules/${mixed.body.id}`)).body;
        return !s.enabled && s;
      },
      15_000,
      'the schedule to turn off',
    );
    expect(lost.disabledReason).toMatch(/may no longer start, stop or reboot any machine it targets/);
    const rebootsOfDevB = dropletActions(devB.externalId).length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(dropletActions(devB.externalId).length).toBe(rebootsOfDevB);
    await tag(devB.id, { env: 'dev' });
  }, 60_000);

  it('a schedule whose maker left the organization turns off, saying so', async () => {
    const leaver = await addMember(api, organizationId, 'member');
    const s = await call(leaver.cookie, 'POST', '/api/v1/schedules', {
      name: 'leaver-script',
      trigger: { kind: 'interval', intervalSeconds: 2 },
      target: { machineIds: [devBox] },
      action: { kind: 'run_script', scriptId },
    });
    expect(s.status).toBe(201);
    expect((await firstRun(s.body.id)).results).toEqual([expect.objectContaining({ result: 'started' })]);
    expect((await asOwner('DELETE', `/api/v1/members/${leaver.userId}`)).status).toBe(204);
    const off = await waitFor(
      async () => {
        const v = (await asOwner('GET', `/api/v1/schedules/${s.body.id}`)).body;
        return !v.enabled && v;
      },
      15_000,
      'the schedule to turn off',
    );
    expect(off.disabledReason).toMatch(/^Not allowed: the person it acts for .* is no longer a member/);
    // The firing that found them gone did nothing else.
    const last = await waitFor(
      async () => (await scheduleRuns(s.body.id)).find((r) => r.status === 'failed'),
      5_000,
      'the refused firing to be recorded',
    );
    expect(last.results).toEqual([]);
    expect(await db.prisma.scriptRun.count({ where: { scheduleRunId: last.id } })).toBe(0);
  }, 30_000);

  it("a rule's machine action runs for its maker when it fires; refused on every machine it watches, it turns off saying why", async () => {
    expect((await asOwner('POST', `/api/v1/machines/${prodA.id}/actions`, { action: 'stop' })).status).toBe(
      202,
    );
    await waitFor(
      async () =>
        (await db.prisma.machine.findUniqueOrThrow({ where: { id: prodA.id } })).state === 'stopped',
      15_000,
      'the droplet to stop',
    );
    const make = (name: string, machineIds: string[]) =>
      asMember('POST', '/api/v1/rules', {
        name,
        target: { kind: 'machines', machineIds },
        condition: { kind: 'state', states: ['stopped'], forSeconds: 0 },
        actions: [{ kind: 'machine_action', action: 'destroy' }],
        cooldownSeconds: 0,
      });
    // One watches only the denied machine; the other also one the member may destroy.
    const rule = await make('destroy-stopped', [prodA.id]);
    const mixed = await make('destroy-stopped-mixed', [prodA.id, devB.id]);
    expect([rule.status, mixed.status]).toEqual([201, 201]);
    const off = await waitFor(
      async () => {
        const r = (await asMember('GET', `/api/v1/rules/${rule.body.id}`)).body;
        return !r.enabled && r;
      },
      30_000,
      'the rule to turn off',
    );
    expect(off.disabledReason).toMatch(/^Not allowed: .* may no longer destroy any machine it watches/);
    for (const id of [rule.body.id, mixed.body.id]) {
      // The incident opens first; the refused action is added to its timeline after.
      const refused = /destroy on .* not run: not allowed/;
      const incident = await waitFor(
        async () => {
          const found = await db.prisma.incident.findFirst({ where: { ruleId: id } });
          return found && refused.test(JSON.stringify(found.timeline)) && found;
        },
        15_000,
        'the incident with the refused action',
      );
      expect(JSON.stringify(incident.timeline)).toMatch(refused);
    }
    const stillOn = (await asMember('GET', `/api/v1/rules/${mixed.body.id}`)).body;
    expect(stillOn).toMatchObject({ enabled: true, disabledReason: null });
    expect(dropletDeletes(prodA.externalId)).toEqual([]);
    expect(droplet(prodA.externalId)).toBeTruthy();
    expect((await asMember('DELETE', `/api/v1/rules/${mixed.body.id}`)).status).toBe(204);
  }, 50_000);

  it('a Docker engine may not be reached through a machine the member may not open a shell on', async () => {
    const res = await asMember('POST', '/api/v1/clouds', {
      provider: 'docker',
      title: 'engine on prod-box',
      credentials: {},
      config: { sshMachineId: prodBox, socketPath: docker.socketPath },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/open a shell on prod-box/);
    expect(await db.prisma.cloud.count({ where: { organizationId, provider: 'docker' } })).toBe(0);
  });

  it('a shell inside a container tagged env=prod is refused', async () => {
    const engine = await asOwner('POST', '/api/v1/clouds', {
      provider: 'docker',
      title: 'local engine',
      credentials: {},
      config: { host: `unix://${docker.socketPath}` },
    });
    expect(engine.status, JSON.stringify(engine.body)).toBe(201);
    const container = await waitFor(
      () => db.prisma.machine.findFirst({ where: { cloudId: engine.body.id, name: 'prod-db' } }),
      15_000,
      'the container to be listed',
    );
    expect((await asMember('GET', `/api/v1/machines/${container.id}/shell`)).status).toBe(403);
    expect((await asOwner('GET', `/api/v1/machines/${container.id}/shell`)).status).toBe(426);
  }, 30_000);

  it('an engine reached through such a machine is root there: no containers made and no shells opened through it', async () => {
    const engine = await asOwner('POST', '/api/v1/clouds', {
      provider: 'docker',
      title: 'engine on prod-box',
      credentials: {},
      config: { sshMachineId: prodBox, socketPath: docker.socketPath },
    });
    expect(engine.status, JSON.stringify(engine.body)).toBe(201);
    const app = await waitFor(
      () => db.prisma.machine.findFirst({ where: { cloudId: engine.body.id, name: 'app' } }),
      15_000,
      'the container to be listed',
    );
    const containers = docker.engine.containers.size;
    const made = await asMember('POST', `/api/v1/clouds/${engine.body.id}/containers`, {
      image: 'alpine:3.20',
      name: 'rooted',
      volumes: ['/:/host'],
    });
    expect(made.status).toBe(403);
    expect(made.body.error.message).toMatch(/open a shell on prod-box/);
    expect(containers).toBe(docker.engine.containers.size);
    // The container carries no env=prod tag of its own; the engine's machine decides.
    expect((await asMember('GET', `/api/v1/machines/${app.id}/shell`)).status).toBe(403);
    expect((await asOwner('GET', `/api/v1/machines/${app.id}/shell`)).status).toBe(426);
  }, 30_000);
});
