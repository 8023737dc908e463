// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { orgChannel } from '@overcast/core/events';
import type { Database } from '@overcast/db';
import { createRedis, workerHeartbeatKey } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisServer } from '../../../test/support/redis';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { waitFor } from './support/harness';
import { type StackWorld, startStackWorld } from './support/stack-world';

// A stack end to end: a template with three machines on two emulated clouds (two DigitalOcean
// accounts, each its own emulator) and two dependent steps, deployed by the built worker; each
// machine answers over SSH with a real sshd at the loopback address its emulator gave it. The
// worker is killed mid-deploy and restarted, then Redis restarts empty; a failed step is
// retried; the stack is destroyed.

const gate = join(tmpdir(), `overcast-stack-gate-${randomBytes(4).toString('hex')}`);

let world: StackWorld;
let db: Database;
let redis: RedisServer;
let east: DigitalOceanSim;
let west: DigitalOceanSim;
let organizationId: string;
let publicKey: string;
const sshds = new Map<string, SshdHandle>();

const call = (method: string, url: string, payload?: unknown) => world.call(method, url, payload);

const TEMPLATE = `description: Two web servers on one cloud, their database on another
inputs:
  web_cloud:
    type: string
  db_cloud:
    type: string
  greeting:
    type: choice
    allowed: [hello, hi]
    default: hello
resources:
  machines:
    web:
      cloud: \${inputs.web_cloud}
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
      key: deploy
      count: 2
      tags:
        role: web
    db:
      cloud: \${inputs.db_cloud}
      size: s-1vcpu-1gb
      image: debian-12-x64
      location: ams3
      key: deploy
steps:
  database:
    on: [db]
    script: echo "db-ready-\${GREETING}"
    env:
      GREETING: \${inputs.greeting}
  web:
    on: [web]
    after: [database]
    script: |
      test -e "$GATE" || { echo "gate closed" >&2; exit 7; }
      echo "web sees $DB ($READY)"
    env:
      DB: \${machines.db.address}
      READY: \${steps.database.output}
      GATE: ${gate}
outputs:
  url: http://\${machines.web.address}/
  db: \${machines.db.address}
`;

beforeAll(async () => {
  world = await startStackWorld('stacks');
  ({ db, redis, organizationId, publicKey } = world);
  // One droplet made outside the stack: destroying the stack must leave it.
  east = await startDigitalOceanSim({
    accounts: [{ token: 'east', droplets: 1, namePrefix: 'other' }],
    bootDelayMs: 3_000,
    actionDelayMs: 100,
  });
  west = await startDigitalOceanSim({
    accounts: [{ token: 'west', droplets: 0 }],
    bootDelayMs: 3_000,
    actionDelayMs: 100,
  });
  await world.addDigitalOcean('east', east.url, 'east');
  await world.addDigitalOcean('west', west.url, 'west');
  world.startWorker();
}, 120_000);

afterAll(async () => {
  await world?.close();
  for (const s of sshds.values()) await s.stop();
  await east?.close();
  await west?.close();
  rmSync(gate, { force: true });
});

const stackOf = (id: string) => world.stackOf(id);
const stackServers = () =>
  [east, west]
    .flatMap((sim) => (sim ? [...sim.accounts.values()].flatMap((a) => a.listDroplets()) : []))
    .filter((d) => d.name.startsWith('shop-'));

// Every machine the action makes answers over SSH at the address its emulator gave it. Waits
// for each named machine not among `before`: machines are made one job each, so a count
// could be reached while one has no address yet, and a rollback makes names that were there.
const answerSsh = async (prefix: string, names: string[], before = new Set<string>()) => {
  const rows = await waitFor(
    async () => {
      const ms = (
        await db.prisma.machine.findMany({
          where: {
            name: { in: names.map((n) => `${prefix}-${n}`) },
            state: { notIn: ['terminated', 'missing'] },
          },
        })
      ).filter((m) => !before.has(m.id));
      return ms.length === names.length && ms.every((m) => m.publicIps.length > 0) ? ms : null;
    },
    60_000,
    `${prefix} machines ${names.join(', ')} with addresses`,
  );
  for (const m of rows) {
    const host = m.publicIps[0]!;
    if (!sshds.has(host)) sshds.set(host, await startSshd({ host, port: 22, authorizedKeys: [publicKey] }));
  }
  return rows;
};
const settled = (id: string, status?: string) => world.settled(id, status);

describe('stacks', () => {
  it('deploys across two clouds, survives a worker restart and a Redis that lost its jobs, retries a failed step and destroys what it made', async () => {
    const template = await call('POST', '/api/v1/templates', { name: 'shop', source: TEMPLATE });
    expect(template.status).toBe(201);
    const events: { type: string; part?: string; name?: string; status?: string }[] = [];
    const sub = createRedis(redis.url(0), { enableOfflineQueue: true });
    await sub.subscribe(orgChannel(organizationId));
    sub.on('message', (_c: string, m: string) => events.push(JSON.parse(m)));

    const deployed = await call('POST', '/api/v1/stacks', {
      name: 'shop',
      templateId: template.body.id,
      inputs: { web_cloud: 'east', db_cloud: 'west' },
    });
    expect(deployed.status).toBe(201);
    const id = deployed.body.id;
    expect(deployed.body.resources.map((r: { name: string }) => r.name).sort()).toEqual([
      'db',
      'web-1',
      'web-2',
    ]);

    // No sshd answers yet, so the deploy waits at "created": the worker dies there.
    await waitFor(
      async () => (await stackOf(id)).resources.every((r: { status: string }) => r.status === 'created'),
      60_000,
      'the three machines to be made',
    );
    await world.killWorker();
    const worker = world.startWorker();
    // Then Redis restarts empty once the new worker runs: every job of the deploy is gone, and
    // the worker queues them again from what Postgres recorded.
    const beat = workerHeartbeatKey(`${hostname()}:${worker.pid}`);
    const probe = createRedis(redis.url(0), { enableOfflineQueue: true });
    await waitFor(async () => (await probe.exists(beat)) === 1, 60_000, 'the new worker to run');
    probe.disconnect();
    await redis.restart();

    // Each machine answers at the address its emulator gave it.
    const machines = await waitFor(
      async () => {
        const rows = await db.prisma.machine.findMany({ where: { name: { startsWith: 'shop-' } } });
        return rows.length === 3 && rows.every((m) => m.publicIps.length > 0) ? rows : null;
      },
      60_000,
      'the machines to have addresses',
    );
    for (const m of machines) {
      const host = m.publicIps[0]!;
      expect(host).toMatch(/^127\./);
      if (!sshds.has(host)) sshds.set(host, await startSshd({ host, port: 22, authorizedKeys: [publicKey] }));
    }

    const failed = await waitFor(
      async () => {
        const s = await stackOf(id);
        return s.status === 'failed' ? s : null;
      },
      180_000,
      'the web step to fail',
    );
    expect(stackServers()).toHaveLength(3);
    const step = (name: string) => failed.steps.find((s: { name: string }) => s.name === name);
    expect(step('database')).toMatchObject({ status: 'succeeded', output: 'db-ready-hello' });
    expect(step('web')).toMatchObject({ status: 'failed' });
    expect(step('web').error).toContain('gate closed');
    const dbMachine = machines.find((m) => m.name === 'shop-db')!;

    writeFileSync(gate, '');
    const retried = await call('POST', `/api/v1/stacks/${id}/steps/web/retry`);
    expect(retried.status).toBe(202);
    const done = await waitFor(
      async () => {
        const s = await stackOf(id);
        return s.status === 'deployed' ? s : null;
      },
      120_000,
      'the stack to be deployed',
    );
    const web = done.steps.find((s: { name: string }) => s.name === 'web');
    expect(web).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(web.output).toBe(`web sees ${dbMachine.publicIps[0]} (db-ready-hello)`);
    expect(done.outputs.db).toBe(dbMachine.publicIps[0]);
    expect(done.outputs.url).toMatch(/^http:\/\/127\.[\d.]+\/$/);
    // Made once each, whatever the restart did.
    expect(stackServers()).toHaveLength(3);
    // Progress reached the stream: every machine ready, each step's states.
    const seen = (part: string, status: string) =>
      events
        .filter((e) => e.type === 'stack.changed' && e.part === part && e.status === status)
        .map((e) => e.name);
    expect(new Set(seen('resource', 'ready'))).toEqual(new Set(['db', 'web-1', 'web-2']));
    expect(seen('step', 'failed')).toContain('web');
    // The stream is told just after the row changes: its message may still be on the way.
    await waitFor(async () => (seen('stack', 'deployed').length ? true : null), 10_000, 'the deployed event');
    expect(seen('stack', 'deployed')).toEqual(['shop']);
    // The machines carry the stack tag.
    const tagged = await db.prisma.machine.findMany({ where: { name: { startsWith: 'shop-' } } });
    expect(tagged.every((m) => (m.providerTags as Record<string, string>).stack === 'shop')).toBe(true);

    const destroy = await call('POST', `/api/v1/stacks/${id}/destroy`);
    expect(destroy.status).toBe(202);
    await waitFor(
      async () => (await stackOf(id)).status === 'destroyed',
      120_000,
      'the stack to be destroyed',
    );
    await waitFor(async () => stackServers().length === 0, 30_000, 'the servers to be gone');
    // Nothing else was touched.
    expect(
      east
        .account('east')
        .listDroplets()
        .map((d) => d.name),
    ).toEqual(['other-000000']);
    expect(existsSync(gate)).toBe(true);
    await sub.quit();
  }, 600_000);
  it('updates to a new version after showing the plan, and rolls back to the one before', async () => {
    const v1 = `resources:
  machines:
    app:
      cloud: east
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
      key: deploy
    cache:
      cloud: west
      size: s-1vcpu-1gb
      image: debian-12-x64
      location: ams3
      key: deploy
steps:
  hello:
    on: [app]
    script: echo v1
`;
    const v2 = `resources:
  machines:
    app:
      cloud: east
      size: s-2vcpu-2gb
      image: ubuntu-24-04-x64
      location: nyc1
      key: deploy
      count: 2
steps:
  hello:
    on: [app]
    script: echo v2
`;
    const site = () =>
      [east, west]
        .flatMap((sim) => [...sim.accounts.values()].flatMap((a) => a.listDroplets()))
        .filter((d) => d.name.startsWith('site-'));
    const live = () =>
      site()
        .map((d) => `${d.name}:${d.sizeSlug}`)
        .sort();
    const siteIds = async () =>
      new Set(
        (
          await db.prisma.machine.findMany({ where: { name: { startsWith: 'site-' } }, select: { id: true } })
        ).map((m) => m.id),
      );

    const template = await call('POST', '/api/v1/templates', { name: 'site', source: v1 });
    const beforeDeploy = await siteIds();
    expect(template.status).toBe(201);
    const deployed = await call('POST', '/api/v1/stacks', { name: 'site', templateId: template.body.id });
    expect(deployed.status).toBe(201);
    const id = deployed.body.id;
    await answerSsh('site', ['app', 'cache'], beforeDeploy);
    expect((await settled(id)).steps[0]).toMatchObject({ name: 'hello', output: 'v1' });
    expect(live()).toEqual(['site-app:s-1vcpu-1gb', 'site-cache:s-1vcpu-1gb']);
    expect(deployed.body.previousVersion).toBeNull();

    const changed = await call('PATCH', `/api/v1/templates/${template.body.id}`, { source: v2 });
    expect(changed.status).toBe(200);
    // The plan says what would change, and changes nothing.
    const plan = await call('POST', `/api/v1/stacks/${id}/plan`, {});
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      fromVersion: 1,
      toVersion: 2,
      machines: {
        add: ['app-2'],
        replace: [{ name: 'app-1', changes: ['size: s-1vcpu-1gb → s-2vcpu-2gb'] }],
        remove: ['cache'],
        keep: [],
      },
      volumes: { add: [], remove: [], keep: [] },
      containers: { add: [], remove: [], keep: [] },
      steps: { run: ['hello'], remove: [], keep: [] },
      inputs: [],
      unchanged: false,
    });
    expect((await stackOf(id)).templateVersion).toBe(1);
    expect((await call('POST', `/api/v1/stacks/${id}/plan`, { version: 9 })).status).toBe(404);
    expect((await call('POST', `/api/v1/stacks/${id}/plan`, { inputs: { nope: 'x' } })).status).toBe(400);
    expect((await call('POST', `/api/v1/stacks/${id}/plan`, { version: 'two' })).status).toBe(400);
    const same = await call('POST', `/api/v1/stacks/${id}/update`, { version: 1 });
    expect(same).toMatchObject({ status: 409, body: { error: { code: 'nothing_to_update' } } });

    const beforeUpdate = await siteIds();
    const updated = await call('POST', `/api/v1/stacks/${id}/update`, {});
    expect(updated.status).toBe(202);
    expect(updated.body).toEqual(plan.body);
    // Busy while it updates: a second update waits.
    expect((await call('POST', `/api/v1/stacks/${id}/update`, { version: 1 })).body.error.code).toBe(
      'stack_busy',
    );
    await answerSsh('site', ['app-1', 'app-2'], beforeUpdate);
    const v2done = await settled(id);
    expect(v2done).toMatchObject({ templateVersion: 2, previousVersion: 1 });
    expect(v2done.steps[0]).toMatchObject({ name: 'hello', output: 'v2', attempt: 1 });
    expect(v2done.resources.map((r: { name: string }) => r.name).sort()).toEqual(['app-1', 'app-2']);
    // The replaced machine and the removed one are gone; the new ones have the new size.
    await waitFor(async () => site().length === 2, 30_000, 'the replaced and removed droplets to go');
    expect(live()).toEqual(['site-app-1:s-2vcpu-2gb', 'site-app-2:s-2vcpu-2gb']);

    const beforeRollback = await siteIds();
    const back = await call('POST', `/api/v1/stacks/${id}/rollback`);
    expect(back.status).toBe(202);
    expect(back.body.machines).toMatchObject({ add: ['cache'], remove: ['app-2'] });
    await answerSsh('site', ['app', 'cache'], beforeRollback);
    const v1again = await settled(id);
    expect(v1again).toMatchObject({ templateVersion: 1, previousVersion: 2 });
    expect(v1again.steps[0]).toMatchObject({ output: 'v1', attempt: 2 });
    await waitFor(async () => site().length === 2, 30_000, 'the rolled-back droplets to go');
    expect(live()).toEqual(['site-app:s-1vcpu-1gb', 'site-cache:s-1vcpu-1gb']);

    // The audit log tells who updated and rolled back, and what changed.
    const audit = await db.prisma.auditEvent.findMany({
      where: { resourceId: id, action: { in: ['stack.update', 'stack.rollback'] } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => [a.action, (a.details as { toVersion: number }).toVersion])).toEqual([
      ['stack.update', 2],
      ['stack.rollback', 1],
    ]);
  }, 600_000);

  it("deploys the gallery's web servers behind a load balancer, the balancer sending to both", async () => {
    const gallery = await call('GET', '/api/v1/templates/gallery');
    const { source } = gallery.body.items.find(
      (t: { name: string }) => t.name === 'web-behind-load-balancer',
    );
    const template = await call('POST', '/api/v1/templates', { name: 'web-tier', source });
    expect(template.status).toBe(201);
    // The machines are this host's loopback sshds: the packages are not installed, and the page
    // and the HAProxy configuration go to a scratch folder.
    const scratch = mkdtempSync(join(tmpdir(), 'overcast-web-tier-'));
    const deployed = await call('POST', '/api/v1/stacks', {
      name: 'tier',
      templateId: template.body.id,
      inputs: {
        cloud: 'east',
        key: 'deploy',
        install_packages: false,
        web_root: join(scratch, 'www'),
        haproxy_config: join(scratch, 'haproxy.cfg'),
      },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const machines = await answerSsh('tier', ['web-1', 'web-2', 'lb']);
    const done = await settled(deployed.body.id);
    const address = (name: string) => machines.find((m) => m.name === `tier-${name}`)!.publicIps[0]!;
    expect(done.outputs).toEqual({ url: `http://${address('lb')}/` });
    const step = (name: string) => done.steps.find((s: { name: string }) => s.name === name);
    expect(step('web')).toMatchObject({ status: 'succeeded', output: hostname() });
    expect(step('balancer')).toMatchObject({ status: 'succeeded', output: '2 backends' });
    const config = readFileSync(join(scratch, 'haproxy.cfg'), 'utf8');
    expect(config).toContain(`server web1 ${address('web-1')}:80 check`);
    expect(config).toContain(`server web2 ${address('web-2')}:80 check`);
    expect(readFileSync(join(scratch, 'www', 'index.html'), 'utf8')).toBe(`served by ${hostname()}\n`);

    expect((await call('POST', `/api/v1/stacks/${deployed.body.id}/destroy`)).status).toBe(202);
    await settled(deployed.body.id, 'destroyed');
    expect(
      east
        .account('east')
        .listDroplets()
        .filter((d) => d.name.startsWith('tier-')),
    ).toEqual([]);
    rmSync(scratch, { recursive: true, force: true });
  }, 300_000);
});
