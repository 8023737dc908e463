// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DigitalOceanSim,
  type DockerSim,
  startDigitalOceanSim,
  startDockerSim,
} from '@overcast/cloud-sim';
import { galleryTemplates, runStackContainerJob, runStackVolume } from '@overcast/core/stacks';
import type { Database } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { waitFor } from './support/harness';
import { type StackWorld, startStackWorld } from './support/stack-world';

// A stack's volumes and containers: a droplet with a volume attached before its step runs, and a
// container on a Docker engine made after that step, all on the emulators through the built
// worker; destroy removes exactly those. Jobs killed after the provider made their volume or
// container find it instead of making another. Also the gallery's docker-app, and the quotas
// holding a stack's container to the clouds allowed.

const scratch = mkdtempSync(join(tmpdir(), 'overcast-stackres-'));

let world: StackWorld;
let db: Database;
let ocean: DigitalOceanSim;
let docker: DockerSim;
let organizationId: string;
let publicKey: string;
let doCloudId: string;
let sshd: SshdHandle | null = null;

const call = (method: string, url: string, payload?: unknown) => world.call(method, url, payload);

const stackOf = (id: string) => world.stackOf(id);
const settled = (id: string, status?: string) => world.settled(id, status);
const account = () => ocean.account('do');
const containerNames = () =>
  [...docker.engine.containers.values()].map((c) => c.name.replace(/^\//, '')).sort();

const TEMPLATE = `description: A droplet with a data volume, and an app container once the disk is ready
inputs:
  engine:
    type: string
resources:
  machines:
    app:
      cloud: do
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
      key: deploy
  volumes:
    data:
      size: 20
      attach: app
  containers:
    web:
      cloud: \${inputs.engine}
      image: nginx:1.27
      ports: ["18080:80"]
      after: [disk]
      env:
        VOLUME: \${volumes.data.id}
        BACKEND: \${machines.app.address}
        DISK: \${steps.disk.output}
steps:
  disk:
    on: [app]
    env:
      VOLUME: \${volumes.data.id}
    script: echo "disk-$VOLUME"
outputs:
  volume: \${volumes.data.id}
`;

beforeAll(async () => {
  world = await startStackWorld('stackres');
  ({ db, organizationId, publicKey } = world);
  // A droplet, a volume and a container made outside any stack: destroying the stack leaves them.
  ocean = await startDigitalOceanSim({
    accounts: [{ token: 'do', droplets: 1, namePrefix: 'other' }],
    // An sshd listens on the droplet's address, port 22: away from the addresses of
    // stacks.test.ts's droplets, whose sshds may be listening at the same time.
    firstDropletId: 400_500_001,
    bootDelayMs: 500,
    actionDelayMs: 200,
  });
  account().createVolume({ name: 'other-disk', size_gigabytes: 5, region: 'nyc1' });
  doCloudId = await world.addDigitalOcean('do', ocean.url, 'do');
  docker = await startDockerSim({ socketPath: join(scratch, 'docker.sock'), pullStepMs: 1 });
  docker.engine.addImage('busybox:latest');
  docker.engine.start(docker.engine.createContainer({ name: 'keep-me', image: 'busybox:latest' }).id);
  const engine = await call('POST', '/api/v1/clouds', {
    provider: 'docker',
    title: 'engine',
    credentials: {},
    config: { host: `unix://${docker.socketPath}` },
  });
  expect(engine.status, JSON.stringify(engine.body)).toBe(201);
  world.startWorker();
}, 120_000);

afterAll(async () => {
  await world?.close();
  await sshd?.stop();
  await ocean?.close();
  await docker?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('stack volumes and containers', () => {
  it('holds a stack whose container is in a cloud the organization does not allow, writing nothing', async () => {
    const template = await call('POST', '/api/v1/templates', { name: 'held', source: TEMPLATE });
    expect(template.status).toBe(201);
    await db.prisma.governanceLimits.create({
      data: { organizationId, teamId: null, allowedCloudIds: [doCloudId] },
    });
    const before = containerNames();
    try {
      const refused = await call('POST', '/api/v1/stacks', {
        name: 'held',
        templateId: template.body.id,
        inputs: { engine: 'engine' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        code: 'constraint_violated',
        message: 'The organization allows machines only in do, not in engine; choose one of those clouds.',
      });
    } finally {
      await db.prisma.governanceLimits.deleteMany({ where: { organizationId } });
    }
    expect(await db.prisma.stack.count({ where: { organizationId } })).toBe(0);
    expect(account().listDroplets()).toHaveLength(1);
    expect(containerNames()).toEqual(before);
  });

  it('refuses a volume in a cloud without volumes and a container on a cloud that is not a container host, naming the line', async () => {
    const template = await call('POST', '/api/v1/templates', {
      name: 'misplaced',
      source: TEMPLATE.replace('cloud: ${inputs.engine}', 'cloud: do'),
    });
    const notHost = await call('POST', '/api/v1/stacks', {
      name: 'misplaced',
      templateId: template.body.id,
      inputs: { engine: 'engine' },
    });
    expect(notHost.status).toBe(400);
    expect(notHost.body.error.message).toBe(
      'The container web (line 18) is in do, which is not a container host; give a Docker cloud.',
    );
    expect(await db.prisma.stack.count({ where: { organizationId } })).toBe(0);
  });

  it('attaches the volume before the step, makes the container after it, and destroys exactly those', async () => {
    const template = await call('POST', '/api/v1/templates', { name: 'kit', source: TEMPLATE });
    expect(template.status).toBe(201);
    const deployed = await call('POST', '/api/v1/stacks', {
      name: 'kit',
      templateId: template.body.id,
      inputs: { engine: 'engine' },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const id = deployed.body.id;
    expect(
      deployed.body.resources.map((r: { name: string; kind: string; attachedTo: string | null }) => [
        r.name,
        r.kind,
        r.attachedTo,
      ]),
    ).toEqual([
      ['app', 'machine', null],
      ['data', 'volume', 'app'],
      ['web', 'container', null],
    ]);

    // No sshd answers yet: the machine waits there while its volume is made and attached.
    const attached = await waitFor(
      async () => {
        const s = await stackOf(id);
        const r = (name: string) => s.resources.find((x: { name: string }) => x.name === name);
        return r('app').status === 'created' && r('data').status === 'ready' ? s : null;
      },
      60_000,
      'the machine made and its volume attached',
    );
    const volume = attached.resources.find((r: { name: string }) => r.name === 'data');
    const droplet = account()
      .listDroplets()
      .find((d) => d.name === 'kit-app')!;
    expect(account().listVolumes({ name: 'kit-data' })).toEqual([
      expect.objectContaining({ id: volume.externalId, sizeGigabytes: 20, dropletIds: [droplet.id] }),
    ]);
    // The step has not run and the container waits for it.
    expect(attached.steps[0]).toMatchObject({ name: 'disk', status: 'waiting' });
    expect(containerNames()).toEqual(['keep-me']);

    const machine = await waitFor(
      async () => {
        const m = await db.prisma.machine.findFirst({ where: { name: 'kit-app' } });
        return m && m.publicIps.length > 0 ? m : null;
      },
      60_000,
      'the droplet to have an address',
    );
    sshd = await startSshd({ host: machine.publicIps[0]!, port: 22, authorizedKeys: [publicKey] });
    const done = await settled(id, 'deployed');
    expect(done.steps[0]).toMatchObject({
      name: 'disk',
      status: 'succeeded',
      output: `disk-${volume.externalId}`,
    });
    expect(done.outputs).toEqual({ volume: volume.externalId });
    expect(done.resources.every((r: { status: string }) => r.status === 'ready')).toBe(true);

    expect(
      account()
        .listDroplets()
        .filter((d) => d.name.startsWith('kit-')),
    ).toHaveLength(1);
    expect(account().listVolumes({ name: 'kit-data' })).toHaveLength(1);
    expect(containerNames()).toEqual(['keep-me', 'kit-web']);
    const container = [...docker.engine.containers.values()].find(
      (c) => c.name.replace(/^\//, '') === 'kit-web',
    )!;
    expect(container.status).toBe('running');
    expect(container.env).toEqual(
      expect.arrayContaining([
        `VOLUME=${volume.externalId}`,
        `BACKEND=${machine.publicIps[0]}`,
        `DISK=disk-${volume.externalId}`,
      ]),
    );
    expect(container.labels).toMatchObject({ stack: 'kit', 'stack-resource': 'web' });
    const web = done.resources.find((r: { name: string }) => r.name === 'web');
    expect(web.machineId).toBe(
      (await db.prisma.machine.findFirst({ where: { name: 'kit-web', cloudId: { not: doCloudId } } }))?.id,
    );

    const destroy = await call('POST', `/api/v1/stacks/${id}/destroy`);
    expect(destroy.status).toBe(202);
    const gone = await settled(id, 'destroyed');
    expect(gone.resources.map((r: { status: string }) => r.status)).toEqual([
      'destroyed',
      'destroyed',
      'destroyed',
    ]);
    await waitFor(async () => account().listDroplets().length === 1, 30_000, 'the droplet to go');
    // Only what the stack made is gone.
    expect(
      account()
        .listDroplets()
        .map((d) => d.name),
    ).toEqual(['other-000000']);
    expect(
      account()
        .listVolumes()
        .map((v) => v.name),
    ).toEqual(['other-disk']);
    expect(containerNames()).toEqual(['keep-me']);
    const audit = await db.prisma.auditEvent.findMany({
      where: {
        organizationId,
        action: { in: ['volume.create', 'volume.attach', 'volume.detach', 'volume.delete'] },
      },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'volume.create',
      'volume.attach',
      'volume.detach',
      'volume.delete',
    ]);
  }, 120_000);

  it('finds the volume and container a killed job made, never making them twice, and destroys them', async () => {
    // The worker is down: the jobs below run here, as a restarted worker would run them.
    await world.killWorker();
    const source = TEMPLATE.replace(/ {6}after: \[disk\]\n/, '')
      .replace(/ {8}DISK: .*\n/, '')
      .replace(/steps:\n[\s\S]*?outputs:/, 'outputs:');
    const template = await call('POST', '/api/v1/templates', { name: 'again', source });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const deployed = await call('POST', '/api/v1/stacks', {
      name: 'again',
      templateId: template.body.id,
      inputs: { engine: 'engine' },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const id = deployed.body.id;
    const rowOf = (name: string) =>
      db.prisma.stackResource.findFirstOrThrow({ where: { stackId: id, name } });
    // What a job killed inside the provider's call leaves: the thing made, its row "creating".
    const made = account().createVolume({ name: 'again-data', size_gigabytes: 20, region: 'nyc1' });
    docker.engine.addImage('nginx:1.27');
    const running = docker.engine.createContainer({
      name: 'again-web',
      image: 'nginx:1.27',
      labels: { stack: 'again', 'stack-id': id, 'stack-resource': 'web' },
    });
    docker.engine.start(running.id);
    const volumeRow = await rowOf('data');
    const webRow = await rowOf('web');
    await db.prisma.stackResource.updateMany({
      where: { id: { in: [volumeRow.id, webRow.id] } },
      data: { status: 'creating' },
    });
    // Its machine is not the subject here: it failed, so the volume stops once it has found itself.
    await db.prisma.stackResource.update({
      where: { id: (await rowOf('app')).id },
      data: { status: 'failed', error: 'no machine in this test' },
    });

    await runStackVolume(world.api.runtime, id, volumeRow.id);
    expect(await rowOf('data')).toMatchObject({ externalId: made.id, status: 'failed' });
    expect((await rowOf('data')).error).toBe('Its machine app was not made (no machine in this test).');
    expect(account().listVolumes({ name: 'again-data' })).toHaveLength(1);

    await runStackContainerJob(world.api.runtime, id, webRow.id);
    const web = await rowOf('web');
    expect(web.status).toBe('ready');
    const adopted = await db.prisma.machine.findUniqueOrThrow({ where: { id: web.machineId! } });
    expect(adopted.externalId).toBe(running.id);
    expect(containerNames().filter((n) => n === 'again-web')).toHaveLength(1);
    // The machines are not all ready: the stack does not finish on a container's word.
    expect((await stackOf(id)).status).toBe('deploying');

    world.startWorker();
    await settled(id, 'failed');
    expect((await call('POST', `/api/v1/stacks/${id}/destroy`)).status).toBe(202);
    await settled(id, 'destroyed');
    expect(
      account()
        .listVolumes()
        .map((v) => v.name),
    ).toEqual(['other-disk']);
    expect(containerNames()).toEqual(['keep-me']);
  }, 60_000);

  it("deploys the gallery's docker-app on the engine and destroys its containers", async () => {
    const source = galleryTemplates().find((t) => t.name === 'docker-app')!.source;
    const template = await call('POST', '/api/v1/templates', { name: 'docker-app', source });
    expect(template.status).toBe(201);
    const deployed = await call('POST', '/api/v1/stacks', {
      name: 'shop',
      templateId: template.body.id,
      inputs: { engine: 'engine', port: 18081 },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const done = await settled(deployed.body.id, 'deployed');
    expect(done.outputs).toEqual({ port: '18081' });
    expect(containerNames()).toEqual(['keep-me', 'shop-cache', 'shop-web']);
    const web = [...docker.engine.containers.values()].find((c) => c.name.replace(/^\//, '') === 'shop-web')!;
    expect(web.ports).toEqual([expect.objectContaining({ privatePort: 80, publicPort: 18081 })]);

    expect((await call('POST', `/api/v1/stacks/${deployed.body.id}/destroy`)).status).toBe(202);
    await settled(deployed.body.id, 'destroyed');
    expect(containerNames()).toEqual(['keep-me']);
  }, 120_000);
});
