import { resolve } from 'node:path';
import { type DigitalOceanSim, type Ec2Sim, type GceSim, startEc2Sim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Cloud, startDigitalOceanApi, startPromptGce } from './support/clouds';
import {
  createOrgWithUser,
  login,
  memberCookie,
  seedMachine,
  send,
  type TestApi,
  type TestUser,
} from './support/harness';

// Snapshots and resizing of a machine, through the api, against the DigitalOcean emulator.

const TOKEN = 'do-token-snapshots-test';
let started: Awaited<ReturnType<typeof startDigitalOceanApi>>;
let api: TestApi;
let sim: DigitalOceanSim;
let owner: TestUser;
let cookie: string;
let viewer: string;
let stranger: string;
let cloudId: string;
let machineId: string;
let dropletId: number;

const call = (method: string, url: string, payload?: unknown, as = cookie) =>
  send(api, as, method, url, payload);
const machineRow = (id: string) => api.db.prisma.machine.findUniqueOrThrow({ where: { id } });
const machine = () => machineRow(machineId);

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 2);
  ({ api, owner, ownerCookie: cookie, sim } = started);
  viewer = await memberCookie(api, owner.organizationId, 'viewer');
  stranger = await login(api, await createOrgWithUser(api.db));
  const res = await call('POST', '/api/v1/clouds', {
    provider: 'digitalocean',
    title: 'DO',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
  expect(res.statusCode).toBe(201);
  cloudId = res.json().id;
  await started.poll(cloudId, 'machines');
  await started.poll(cloudId, 'catalog');
  const row = await api.db.prisma.machine.findFirstOrThrow({ where: { cloudId }, orderBy: { name: 'asc' } });
  machineId = row.id;
  dropletId = Number(row.externalId);
}, 120_000);
afterAll(() => started?.close());

/** Adds a cloud, polls its machines and catalog, and returns it with one running and one stopped machine. */
async function addPolledCloud(body: object) {
  const res = await call('POST', '/api/v1/clouds', body);
  expect(res.statusCode).toBe(201);
  const id: string = res.json().id;
  await started.poll(id, 'machines');
  await started.poll(id, 'catalog');
  const rows = await api.db.prisma.machine.findMany({ where: { cloudId: id }, orderBy: { name: 'asc' } });
  return {
    id,
    running: rows.find((r) => r.state === 'running')!,
    stopped: rows.find((r) => r.state === 'stopped')!,
  };
}

/**
 * Lists the one snapshot just taken of `machine` and checks what every provider refuses: the id
 * through another machine, and a viewer's delete. Returns its id.
 */
async function listedOnlySnapshot(machine: string, other: string): Promise<string> {
  const at = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;
  const list = (await call('GET', at(machine, 'snapshots'))).json();
  expect(list.items).toHaveLength(1);
  expect(list.items[0]).toMatchObject({ name: 'before-upgrade', state: 'available' });
  expect(list.items[0].sizeGb).toBeGreaterThan(0);
  const sid = list.items[0].id as string;
  // Another machine's snapshot is not this one's.
  expect((await call('DELETE', at(other, `snapshots/${sid}`))).statusCode).toBe(404);
  expect((await call('DELETE', at(machine, `snapshots/${sid}`), undefined, viewer)).statusCode).toBe(403);
  return sid;
}

/** The resize options of a stopped machine now of size `current`, and a priced size to go to. */
async function pricedResizeTarget(machine: string, current: string) {
  const options = (await call('GET', `/api/v1/machines/${machine}/resize-options`)).json();
  expect(options.current.size).toBe(current);
  expect(options.mustStop).toBe(false);
  const target = options.sizes.find((s: { priceMonthly: string | null }) => s.priceMonthly !== null);
  expect(target).toBeTruthy();
  expect(target.differenceMonthly).not.toBeNull();
  return { options, target };
}

/** A viewer may not resize the machine, and another organization does not see it. */
async function refusedToOthers(machine: string, size: string) {
  const resize = `/api/v1/machines/${machine}/resize`;
  expect((await call('POST', resize, { size }, viewer)).statusCode).toBe(403);
  expect((await call('POST', resize, { size }, stranger)).statusCode).toBe(404);
}

describe('snapshots', () => {
  const base = () => `/api/v1/machines/${machineId}/snapshots`;

  it('takes a snapshot, lists it, reverts to it and deletes it, each audited', async () => {
    expect((await call('GET', base())).json()).toEqual({
      items: [],
      canRevert: true,
      canDelete: true,
      revertNeeds: null,
    });

    const taken = await call('POST', base(), { name: 'before-upgrade' });
    expect(taken.statusCode).toBe(202);
    const list = (await call('GET', base())).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ name: 'before-upgrade', state: 'available' });
    const sid = list.items[0].id as string;
    // It exists at the provider, as a snapshot of this droplet.
    expect(sim.account(TOKEN).snapshotOf.get(Number(sid))).toBe(dropletId);

    expect((await call('POST', `${base()}/${sid}/revert`)).statusCode).toBe(204);
    const restore = [...sim.account(TOKEN).actions.values()].find((a) => a.type === 'restore');
    expect(restore).toMatchObject({ resourceId: dropletId, status: 'completed' });

    expect((await call('DELETE', `${base()}/${sid}`)).statusCode).toBe(204);
    expect((await call('GET', base())).json().items).toEqual([]);
    expect(sim.account(TOKEN).privateImages).toEqual([]);

    const audit = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, resourceId: machineId },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'machine.snapshot.create',
      'machine.snapshot.revert',
      'machine.snapshot.delete',
    ]);
  });

  it('refuses bad names, unknown snapshots, people without the right and other organizations', async () => {
    for (const body of [
      { name: '' },
      { name: 'a b' },
      { name: 'x\u0000y' },
      { name: 'n'.repeat(64) },
      { name: 5 },
      { name: 'ok', extra: 1 },
      {},
    ]) {
      const res = await call('POST', base(), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(sim.account(TOKEN).privateImages).toEqual([]);

    const unknown = await call('POST', `${base()}/999999/revert`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('snapshot_not_found');
    expect((await call('DELETE', `${base()}/999999`)).statusCode).toBe(404);

    expect((await call('GET', base(), undefined, viewer)).statusCode).toBe(200);
    const refused = await call('POST', base(), { name: 'viewer-try' }, viewer);
    expect(refused.statusCode).toBe(403);
    expect((await call('GET', base(), undefined, stranger)).statusCode).toBe(404);
    expect((await call('POST', base(), { name: 'stranger-try' }, stranger)).statusCode).toBe(404);
    expect(sim.account(TOKEN).privateImages).toEqual([]);
  });

  it('says clearly that a provider without snapshots or resize has none', async () => {
    const host = await seedMachine(api.db, owner.organizationId);
    const snaps = await call('GET', `/api/v1/machines/${host}/snapshots`);
    expect(snaps.statusCode).toBe(400);
    expect(snaps.json().error).toMatchObject({ code: 'snapshots_unsupported' });
    expect(snaps.json().error.message).toMatch(/cannot take snapshots of SSH/i);
    const resize = await call('POST', `/api/v1/machines/${host}/resize`, { size: 'big' });
    expect(resize.statusCode).toBe(400);
    expect(resize.json().error.code).toBe('resize_unsupported');
  });
});

describe('resize', () => {
  const url = (part: string) => `/api/v1/machines/${machineId}/${part}`;

  it('offers the sizes of the same location, cheapest first, with the new price and the difference', async () => {
    const current = await machine();
    const res = await call('GET', url('resize-options'));
    expect(res.statusCode).toBe(200);
    const options = res.json();
    expect(options.current).toMatchObject({ size: current.size, currency: 'USD' });
    expect(options.mustStop).toBe(current.state !== 'stopped');
    const ids = options.sizes.map((s: { externalId: string }) => s.externalId);
    expect(ids).not.toContain(current.size);
    const prices = options.sizes.map((s: { priceMonthly: string }) => Number(s.priceMonthly));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const big = options.sizes.find((s: { externalId: string }) => s.externalId === 's-2vcpu-4gb');
    expect(big).toMatchObject({ priceMonthly: '24.00' });
    expect(Number(big.differenceMonthly)).toBeCloseTo(24 - Number(options.current.priceMonthly), 2);
  });

  it('refuses a running machine, a size of no such kind, and a viewer; resizes a stopped one', async () => {
    sim.account(TOKEN).mutateDroplet(dropletId, { status: 'active' });
    await started.poll(cloudId, 'machines');
    const running = await call('POST', url('resize'), { size: 's-2vcpu-4gb' });
    expect(running.statusCode).toBe(409);
    expect(running.json().error).toMatchObject({ code: 'machine_must_be_stopped' });
    expect(running.json().error.message).toMatch(/stop it first/);

    sim.account(TOKEN).mutateDroplet(dropletId, { status: 'off' });
    await started.poll(cloudId, 'machines');
    const foreign = await call('POST', url('resize'), { size: 'n2-standard-4' });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error).toMatchObject({ code: 'size_not_offered', field: 'body.size' });
    expect((await call('POST', url('resize'), { size: 's-2vcpu-4gb' }, viewer)).statusCode).toBe(403);
    expect((await call('POST', url('resize'), { size: 's-2vcpu-4gb' }, stranger)).statusCode).toBe(404);
    expect((await call('POST', url('resize'), { size: 7 })).statusCode).toBe(400);
    expect(sim.account(TOKEN).droplets.get(dropletId)!.sizeSlug).not.toBe('s-2vcpu-4gb');

    const done = await call('POST', url('resize'), { size: 's-2vcpu-4gb' });
    expect(done.statusCode).toBe(204);
    expect(sim.account(TOKEN).droplets.get(dropletId)!.sizeSlug).toBe('s-2vcpu-4gb');
    expect((await machine()).size).toBe('s-2vcpu-4gb');
    await started.poll(cloudId, 'machines');
    const after = (await call('GET', `/api/v1/machines/${machineId}`)).json();
    expect(after.machine ?? after).toMatchObject({ size: 's-2vcpu-4gb', costMonthly: '24.00' });
    const same = await call('POST', url('resize'), { size: 's-2vcpu-4gb' });
    expect(same.json().error.code).toBe('same_size');
  });
});

// libvirt's test driver through virsh: every invocation starts again from the fixture host, where
// db-1 is shut off with the snapshot "before-upgrade" and web-1 runs. So each step is checked by
// its answer and its trail, not by a later listing.
describe('libvirt: snapshots, resize and clone', () => {
  const NODE = `test://${resolve(import.meta.dirname, '../../../packages/providers/src/libvirt/fixtures/node.xml')}`;
  let kvmCloud: string;
  let db1: string;
  let web1: string;
  const url = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;

  beforeAll(async () => {
    const res = await call('POST', '/api/v1/clouds', {
      provider: 'libvirt',
      title: 'lab',
      credentials: {},
      config: { uri: NODE },
    });
    expect(res.statusCode).toBe(201);
    kvmCloud = res.json().id;
    await started.poll(kvmCloud, 'machines');
    await started.poll(kvmCloud, 'catalog');
    const rows = await api.db.prisma.machine.findMany({ where: { cloudId: kvmCloud } });
    db1 = rows.find((r) => r.name === 'db-1')!.id;
    web1 = rows.find((r) => r.name === 'web-1')!.id;
  }, 60_000);

  it('lists, takes, reverts to and deletes snapshots of a domain', async () => {
    const list = await call('GET', url(db1, 'snapshots'));
    expect(list.json()).toEqual({
      items: [
        {
          id: 'before-upgrade',
          name: 'before-upgrade',
          state: 'available',
          createdAt: '2026-05-28T20:26:40.000Z',
          sizeGb: null,
        },
      ],
      canRevert: true,
      canDelete: true,
      revertNeeds: null,
    });
    expect((await call('POST', url(web1, 'snapshots'), { name: 'nightly' })).statusCode).toBe(202);
    expect((await call('POST', url(db1, 'snapshots/before-upgrade/revert'))).statusCode).toBe(204);
    expect((await call('DELETE', url(db1, 'snapshots/before-upgrade'))).statusCode).toBe(204);
    const unknown = await call('POST', url(db1, 'snapshots/nightly/revert'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('snapshot_not_found');
    expect((await call('POST', url(db1, 'snapshots'), { name: 'x' }, viewer)).statusCode).toBe(403);
    expect((await call('GET', url(db1, 'snapshots'), undefined, stranger)).statusCode).toBe(404);
    const audit = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, resourceId: { in: [db1, web1] }, result: 'success' },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'machine.snapshot.create',
      'machine.snapshot.revert',
      'machine.snapshot.delete',
    ]);
  });

  it('offers the sizes that fit the host and resizes a shut-off domain; refuses a running one', async () => {
    const options = (await call('GET', url(db1, 'resize-options'))).json();
    // The fixture host has 8 CPUs and 16 GiB; db-1 has 4 vCPUs and 4 GiB.
    expect(options.current).toMatchObject({ size: '4x4096', priceMonthly: null });
    expect(options.mustStop).toBe(false);
    const ids = options.sizes.map((s: { externalId: string }) => s.externalId);
    expect(ids).toContain('8x16384');
    expect(ids).not.toContain('4x4096');
    expect(ids).not.toContain('16x32768');

    const running = await call('POST', url(web1, 'resize'), { size: '1x1024' });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('machine_must_be_stopped');
    expect((await call('POST', url(db1, 'resize'), { size: '16x32768' })).json().error.code).toBe(
      'size_not_offered',
    );
    expect((await call('POST', url(db1, 'resize'), { size: '4x4096' })).json().error.code).toBe('same_size');
    expect((await call('POST', url(db1, 'resize'), { size: '2x2048' }, viewer)).statusCode).toBe(403);

    expect((await call('POST', url(db1, 'resize'), { size: '2x2048' })).statusCode).toBe(204);
    const row = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: db1 } });
    // Named the way the provider lists it, so the next poll does not change it back and forth.
    expect(row.size).toBe('2 vCPU / 2048 MiB');
  });

  it('clones a shut-off domain into a new stopped machine with its own disk', async () => {
    const res = await call('POST', url(db1, 'clone'), { name: 'db-2' });
    expect(res.statusCode).toBe(201);
    const clone = res.json();
    expect(clone).toMatchObject({ name: 'db-2', state: 'stopped', cloudId: kvmCloud });
    const row = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: clone.id } });
    expect(row.externalId).not.toBe(
      (await api.db.prisma.machine.findUniqueOrThrow({ where: { id: db1 } })).externalId,
    );
    expect((row.extra as { disks: { source: string }[] }).disks.map((d) => d.source)).toEqual([
      '/var/lib/libvirt/images/db-2.qcow2',
    ]);
    const audit = await api.db.prisma.auditEvent.findFirstOrThrow({
      where: { organizationId: owner.organizationId, resourceId: clone.id, action: 'machine.create' },
    });
    expect(audit.details).toMatchObject({ name: 'db-2', from: 'db-1' });
  });

  it('refuses a running source, a bad name, a viewer, another organization and a full quota', async () => {
    const count = () => api.db.prisma.machine.count({ where: { cloudId: kvmCloud } });
    const before = await count();
    const running = await call('POST', url(web1, 'clone'), { name: 'web-2' });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.message).toMatch(/stop it first/);
    for (const body of [{ name: '' }, { name: '../x' }, { name: 'a\u0000b' }, { name: 'n'.repeat(64) }, {}]) {
      expect((await call('POST', url(db1, 'clone'), body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const refused = await call('POST', url(db1, 'clone'), { name: 'db-3' }, viewer);
    expect(refused.statusCode).toBe(403);
    expect((await call('POST', url(db1, 'clone'), { name: 'db-3' }, stranger)).statusCode).toBe(404);
    const taken = await call('POST', url(db1, 'clone'), { name: 'web-1' });
    expect(taken.statusCode).toBe(409);

    const machines = await api.db.prisma.machine.count({ where: { organizationId: owner.organizationId } });
    expect((await call('PUT', '/api/v1/limits/organization', { maxMachines: machines })).statusCode).toBe(
      200,
    );
    try {
      const over = await call('POST', url(db1, 'clone'), { name: 'db-3' });
      expect(over.statusCode).toBeGreaterThanOrEqual(400);
      expect(over.statusCode).toBeLessThan(500);
      expect(over.json().error.message).toMatch(/machines/i);
    } finally {
      await call('PUT', '/api/v1/limits/organization', {});
    }
    expect(await count()).toBe(before);
  });

  it('says a provider without clones has none', async () => {
    const res = await call('POST', url(machineId, 'clone'), { name: 'copy' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('clone_unsupported');
  });
});

// EC2 through the real SDK against its emulator: a machine's snapshot is one EBS snapshot per
// volume; EC2 resizes only a stopped instance and says so itself when Overcast thought it was.
describe('EC2: EBS snapshots and resize', () => {
  let ec2: Ec2Sim;
  let awsCloud: string;
  let running: { id: string; externalId: string };
  let stopped: { id: string; externalId: string };
  const url = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;
  const ebs = () => [...ec2.state.regions.get('us-east-1')!.snapshots.values()];

  beforeAll(async () => {
    ec2 = await startEc2Sim({ seed: { machines: 6, seed: 11 }, regions: ['us-east-1'], transitionMs: 0 });
    ({ id: awsCloud, running, stopped } = await addPolledCloud(ec2Cloud(ec2)));
  }, 120_000);
  afterAll(() => ec2?.close());

  it('takes a snapshot of every volume, lists it as one, reverts the root volume to it, and deletes it', async () => {
    expect((await call('GET', url(running.id, 'snapshots'))).json()).toEqual({
      items: [],
      canRevert: true,
      canDelete: true,
      revertNeeds: 'running',
    });
    expect((await call('POST', url(running.id, 'snapshots'), { name: 'before-upgrade' })).statusCode).toBe(
      202,
    );
    const instance = ec2.state.instances.get(running.externalId)!;
    expect(ebs().map((s) => s.volumeId)).toEqual(instance.volumeIds);
    const sid = await listedOnlySnapshot(running.id, stopped.id);
    expect(ebs()).toHaveLength(instance.volumeIds.length);

    // EC2 replaces the root volume of a running instance only: a stopped one is refused first.
    const asleep = await call('POST', url(stopped.id, `snapshots/${sid}/revert`));
    expect(asleep.json().error).toMatchObject({ code: 'machine_must_be_running' });
    expect(asleep.json().error.message).toContain('reverts only a running machine, so start it first');
    // The root volume is replaced from its snapshot; a viewer may not.
    expect(
      (await call('POST', url(running.id, `snapshots/${sid}/revert`), undefined, viewer)).statusCode,
    ).toBe(403);
    const root = instance.volumeIds[0];
    expect((await call('POST', url(running.id, `snapshots/${sid}/revert`))).statusCode).toBe(204);
    const [task] = ec2.state.regions.get('us-east-1')!.replaceRootVolumeTasks.values();
    expect(task).toMatchObject({ instanceId: running.externalId, snapshotId: ebs()[0]!.id });
    await call('GET', url(running.id, 'snapshots'));
    expect(task!.state).toBe('succeeded');
    expect(instance.volumeIds[0]).not.toBe(root);

    expect((await call('DELETE', url(running.id, `snapshots/${sid}`))).statusCode).toBe(204);
    expect((await call('GET', url(running.id, 'snapshots'))).json().items).toEqual([]);
    expect(ebs()).toEqual([]);
  });

  it('offers the region’s instance types with their prices; EC2 refuses an instance that is running after all', async () => {
    const instance = ec2.state.instances.get(stopped.externalId)!;
    const { options, target } = await pricedResizeTarget(stopped.id, instance.instanceType);

    // Overcast last saw it stopped; it has been started since, and EC2 says no in its own words.
    await api.db.prisma.machine.update({ where: { id: running.id }, data: { state: 'stopped' } });
    const runningType = ec2.state.instances.get(running.externalId)!.instanceType;
    const size = options.sizes.find((s: { externalId: string }) => s.externalId !== runningType).externalId;
    const refused = await call('POST', url(running.id, 'resize'), { size });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain(
      `The instance '${running.externalId}' is not in the 'stopped' state.`,
    );
    expect(ec2.state.instances.get(running.externalId)!.instanceType).toBe(runningType);
    await started.poll(awsCloud, 'machines');

    await refusedToOthers(stopped.id, target.externalId);
    expect((await call('POST', url(stopped.id, 'resize'), { size: target.externalId })).statusCode).toBe(204);
    expect(instance.instanceType).toBe(target.externalId);
    expect((await machineRow(stopped.id)).size).toBe(target.externalId);
  });
});

// Compute Engine through @google-cloud/compute against its emulator: a machine's snapshot is one
// disk snapshot per attached disk, reverted by new disks swapped in; Compute Engine replaces disks
// and changes the machine type only of a stopped instance, and says so itself when Overcast thought
// it was.
describe('Compute Engine: disk snapshots, revert and resize', () => {
  let gce: GceSim;
  let gceCloud: string;
  let running: { id: string; externalId: string; name: string };
  let stopped: { id: string; externalId: string; name: string };
  const url = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;
  const project = () => gce.project('proj-snap');
  const diskSnapshots = () => [...project().snapshots.byName.values()];
  const instanceOf = (externalId: string) => {
    const [zone, name] = externalId.split('/') as [string, string];
    return project().getInstance(zone, name);
  };

  beforeAll(async () => {
    const prompt = await startPromptGce('proj-snap', 3);
    gce = prompt.gce;
    const first = [...project().instances.values()][0]!;
    project().mutateInstance(first.zone, first.name, { status: 'TERMINATED' });
    ({ id: gceCloud, running, stopped } = await addPolledCloud(prompt.cloud()));
  }, 120_000);
  afterAll(() => gce?.close());

  it('takes a snapshot of every disk, lists it as one, refuses to revert a running machine, and deletes it', async () => {
    expect((await call('GET', url(running.id, 'snapshots'))).json()).toEqual({
      items: [],
      canRevert: true,
      canDelete: true,
      revertNeeds: 'stopped',
    });
    expect((await call('POST', url(running.id, 'snapshots'), { name: 'before-upgrade' })).statusCode).toBe(
      202,
    );
    const disks = instanceOf(running.externalId).disks.map((d) => d.diskName);
    expect(diskSnapshots().map((s) => s.sourceDisk)).toEqual(disks);
    const sid = await listedOnlySnapshot(running.id, stopped.id);
    const revert = await call('POST', url(running.id, `snapshots/${sid}/revert`));
    expect(revert.statusCode).toBe(409);
    expect(revert.json().error.code).toBe('machine_must_be_stopped');
    expect(revert.json().error.message).toContain('reverts only a stopped machine, so stop it first');
    expect(instanceOf(running.externalId).disks.map((d) => d.diskName)).toEqual(disks);
    // Another organization sees none of it.
    expect((await call('DELETE', url(running.id, `snapshots/${sid}`), undefined, stranger)).statusCode).toBe(
      404,
    );
    expect((await call('POST', url(running.id, 'snapshots'), { name: 'x' }, viewer)).statusCode).toBe(403);
    expect(diskSnapshots()).toHaveLength(disks.length);

    expect((await call('DELETE', url(running.id, `snapshots/${sid}`))).statusCode).toBe(204);
    expect((await call('GET', url(running.id, 'snapshots'))).json().items).toEqual([]);
    expect(diskSnapshots()).toEqual([]);
  });

  it('reverts a stopped machine: new disks from the snapshot under the same device names, the old ones deleted', async () => {
    expect((await call('POST', url(stopped.id, 'snapshots'), { name: 'before-upgrade' })).statusCode).toBe(
      202,
    );
    const sid = await listedOnlySnapshot(stopped.id, running.id);
    const before = instanceOf(stopped.externalId).disks.map((d) => ({ ...d }));
    const image = (await machineRow(stopped.id)).image;
    expect(image).toMatch(/^projects\/[a-z-]+-cloud\/global\/images\//);
    expect(
      (await call('POST', url(stopped.id, `snapshots/${sid}/revert`), undefined, viewer)).statusCode,
    ).toBe(403);
    expect((await call('POST', url(stopped.id, `snapshots/${sid}/revert`))).statusCode).toBe(204);
    // The new boot disk names a snapshot, not an image; the machine still shows the one it was made from.
    await started.poll(gceCloud, 'machines');
    expect((await machineRow(stopped.id)).image).toBe(image);
    expect((await call('GET', `/api/v1/machines/${stopped.id}`)).json().machine.image).toBe(image);

    const after = instanceOf(stopped.externalId);
    expect(after.status).toBe('TERMINATED');
    expect(after.disks.map((d) => [d.deviceName, d.boot])).toEqual(before.map((d) => [d.deviceName, d.boot]));
    for (const [i, attached] of after.disks.entries()) {
      const taken = diskSnapshots().find((s) => s.sourceDisk === before[i]!.diskName)!;
      expect(attached.diskName).not.toBe(before[i]!.diskName);
      expect(project().getDisk(after.zone, attached.diskName).sourceSnapshot).toMatch(
        new RegExp(`/global/snapshots/${taken.name}$`),
      );
    }
    await expect
      .poll(() => before.filter((d) => project().disks.has(`${after.zone}/${d.diskName}`)))
      .toEqual([]);

    expect((await call('DELETE', url(stopped.id, `snapshots/${sid}`))).statusCode).toBe(204);
    expect(diskSnapshots()).toEqual([]);
  });

  it("offers the zone's machine types with their prices; Compute Engine refuses an instance that is running after all", async () => {
    const instance = instanceOf(stopped.externalId);
    const { options, target } = await pricedResizeTarget(stopped.id, instance.machineType);

    // Overcast last saw it stopped; it runs, and Compute Engine says no in its own words.
    await api.db.prisma.machine.update({ where: { id: running.id }, data: { state: 'stopped' } });
    const runningType = instanceOf(running.externalId).machineType;
    const size = options.sizes.find((s: { externalId: string }) => s.externalId !== runningType).externalId;
    const refused = await call('POST', url(running.id, 'resize'), { size });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain(
      `The resource 'projects/proj-snap/zones/${running.externalId.replace('/', '/instances/')}' is not ready`,
    );
    expect(instanceOf(running.externalId).machineType).toBe(runningType);
    await started.poll(gceCloud, 'machines');

    await refusedToOthers(stopped.id, target.externalId);
    expect((await call('POST', url(stopped.id, 'resize'), { size: 'x'.repeat(10_000) })).statusCode).toBe(
      400,
    );
    expect((await call('POST', url(stopped.id, 'resize'), { size: target.externalId })).statusCode).toBe(204);
    expect(instance.machineType).toBe(target.externalId);
    expect((await machineRow(stopped.id)).size).toBe(target.externalId);
  });
});
