import { type AzureSim, type OpenStackSim, startAzureSim, startOpenStackSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { memberCookie, send, startOrgApi, type TestApi } from './support/harness';

// Snapshots and resizing through the api for Azure (managed snapshots of the OS disk, reverted by
// swapping in a copy of one; sizes the VM's cluster offers) and OpenStack (Glance snapshots,
// reverted by rebuilding; flavors whose disk is no smaller), each against its emulator.

let api: TestApi;
let cookie: string;
let viewer: string;

const call = (method: string, url: string, payload?: unknown, as = cookie) =>
  send(api, as, method, url, payload);
const at = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;

/** Adds a cloud and polls its machines and catalog: its id and its machines by name. */
async function addCloud(body: object) {
  const res = await call('POST', '/api/v1/clouds', body);
  expect(res.statusCode, res.body).toBe(201);
  const cloudId: string = res.json().id;
  expect((await pollNow(api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(api, cloudId, 'catalog')).status).toBe('ok');
  const rows = await api.db.prisma.machine.findMany({ where: { cloudId } });
  return { cloudId, named: (name: string) => rows.find((r) => r.name === name)! };
}

/** Lists the machine's snapshots until `check` holds (a snapshot may still be being taken). */
async function snapshotsUntil(machine: string, check: (items: Array<Record<string, unknown>>) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await call('GET', at(machine, 'snapshots'));
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    if (check(items) || Date.now() > deadline) return items;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Takes the snapshot "before-upgrade" of a machine that has none, and waits until it is available. */
async function takenSnapshot(machine: string, revertNeeds: string | null) {
  expect((await call('GET', at(machine, 'snapshots'))).json()).toEqual({
    items: [],
    canRevert: true,
    canDelete: true,
    revertNeeds,
  });
  expect((await call('POST', at(machine, 'snapshots'), { name: 'before-upgrade' })).statusCode).toBe(202);
  const [taken] = await snapshotsUntil(machine, (items) => items[0]?.state === 'available');
  expect(taken).toMatchObject({ name: 'before-upgrade', state: 'available' });
  return taken!;
}

/** Deletes the machine's one snapshot: none is left, and each step was audited. */
async function deletedAfterAll(machine: string, sid: string) {
  expect((await call('DELETE', at(machine, `snapshots/${sid}`))).statusCode).toBe(204);
  expect((await call('GET', at(machine, 'snapshots'))).json().items).toEqual([]);
  const audit = await api.db.prisma.auditEvent.findMany({
    where: { resourceId: machine, result: 'success' },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((a) => a.action)).toEqual([
    'machine.snapshot.create',
    'machine.snapshot.revert',
    'machine.snapshot.delete',
  ]);
}

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  cookie = started.ownerCookie;
  viewer = await memberCookie(api, started.owner.organizationId, 'viewer');
});
afterAll(() => api?.close());

describe('Azure: managed snapshots and resize', () => {
  const TENANT = '11111111-2222-3333-4444-555555555555';
  const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
  const SUB = '00000000-0000-0000-0000-00000000000a';
  const SECRET = 'Q~api.secret-value';
  let sim: AzureSim;
  let cloud: Awaited<ReturnType<typeof addCloud>>;

  beforeAll(async () => {
    // vm-1 Standard_B1s running; vm-4 Standard_D4s_v5 stopped (still allocated).
    sim = await startAzureSim({
      principals: [{ tenantId: TENANT, clientId: CLIENT, secret: SECRET, subscriptions: [SUB] }],
      subscriptions: [{ id: SUB, vms: 5 }],
      transitionMs: 50,
    });
    cloud = await addCloud({
      provider: 'azure',
      title: 'azure',
      endpoint: sim.url,
      credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET },
      config: { subscriptionId: SUB, authorityHost: sim.url, caCertificate: sim.ca, pricesEndpoint: sim.url },
    });
  }, 120_000);
  afterAll(() => sim?.close());

  it('takes a snapshot, lists it, reverts a stopped VM to it and deletes it', async () => {
    const vm = cloud.named('vm-1');
    const taken = await takenSnapshot(vm.id, 'stopped');
    expect(taken.sizeGb).toBe(30);
    const sid = taken.id as string;
    expect((await call('GET', at(cloud.named('vm-2').id, 'snapshots'))).json().items).toEqual([]);

    const running = await call('POST', at(vm.id, `snapshots/${sid}/revert`));
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('machine_must_be_stopped');

    sim.state.vm(vm.externalId)!.power = 'stopped';
    await pollNow(api, cloud.cloudId);
    const disk = sim.state.vm(vm.externalId)!.osDiskId;
    expect((await call('POST', at(vm.id, `snapshots/${sid}/revert`), undefined, viewer)).statusCode).toBe(
      403,
    );
    expect((await call('POST', at(vm.id, `snapshots/${sid}/revert`))).statusCode).toBe(204);
    const after = sim.state.vm(vm.externalId)!;
    expect(after.osDiskId).not.toBe(disk);
    expect(sim.state.disk(after.osDiskId)?.copiedFrom?.endsWith(`/snapshots/${sid}`)).toBe(true);

    await deletedAfterAll(vm.id, sid);
    expect(sim.state.snapshots.size).toBe(0);
  });

  it('offers only the sizes the VM can take where it is, and resizes a stopped VM', async () => {
    const vm = cloud.named('vm-4');
    const options = (await call('GET', at(vm.id, 'resize-options'))).json();
    expect(options.current.size).toBe('Standard_D4s_v5');
    expect(options.mustStop).toBe(false);
    expect(options.sizes.map((s: { externalId: string }) => s.externalId).sort()).toEqual([
      'Standard_D2s_v5',
      'Standard_E2s_v5',
    ]);
    const elsewhere = await call('POST', at(vm.id, 'resize'), { size: 'Standard_B1s' });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.code).toBe('size_not_offered');

    expect((await call('POST', at(vm.id, 'resize'), { size: 'Standard_E2s_v5' })).statusCode).toBe(204);
    expect(sim.state.vm(vm.externalId)!.size).toBe('Standard_E2s_v5');
    await pollNow(api, cloud.cloudId);
    const row = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: vm.id } });
    expect(row.size).toBe('Standard_E2s_v5');
  });
});

describe('OpenStack: Glance snapshots and resize', () => {
  let sim: OpenStackSim;
  let cloud: Awaited<ReturnType<typeof addCloud>>;
  const server = (id: string) => sim.project('work').servers.get(id)!;

  beforeAll(async () => {
    // work-000000 m1.tiny, work-000001 m1.small (20 GB disk), work-000002 m1.medium: all ACTIVE.
    sim = await startOpenStackSim({
      projects: [{ name: 'work', servers: 3, namePrefix: 'work' }],
      users: [{ name: 'ops', password: 'secret', projects: ['work'] }],
      bootDelayMs: 50,
      actionDelayMs: 50,
    });
    cloud = await addCloud({
      provider: 'openstack',
      title: 'openstack',
      credentials: { username: 'ops', password: 'secret', projectName: 'work', userDomainName: 'Default' },
      config: { authUrl: sim.authUrl },
    });
  }, 120_000);
  afterAll(() => sim?.close());

  it('takes a snapshot, lists it, rebuilds the server from it and deletes it', async () => {
    const vm = cloud.named('work-000002');
    const sid = (await takenSnapshot(vm.id, null)).id as string;
    expect((await call('GET', at(cloud.named('work-000000').id, 'snapshots'))).json().items).toEqual([]);
    const unknown = await call('POST', at(vm.id, 'snapshots/0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01/revert'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('snapshot_not_found');

    expect((await call('POST', at(vm.id, `snapshots/${sid}/revert`))).statusCode).toBe(204);
    expect(server(vm.externalId)).toMatchObject({ status: 'ACTIVE', taskState: null });
    expect(server(vm.externalId).image.id).toBe(sid);

    await deletedAfterAll(vm.id, sid);
    expect(sim.project('work').images.size).toBe(0);
  });

  it('offers the flavors with no smaller disk, refuses a running server, resizes a stopped one', async () => {
    const vm = cloud.named('work-000001');
    const running = await call('POST', at(vm.id, 'resize'), { size: '3' });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('machine_must_be_stopped');

    Object.assign(server(vm.externalId), { status: 'SHUTOFF' });
    await pollNow(api, cloud.cloudId);
    const options = (await call('GET', at(vm.id, 'resize-options'))).json();
    expect(options.current.size).toBe('2');
    expect(options.mustStop).toBe(false);
    const ids = options.sizes.map((s: { externalId: string }) => s.externalId);
    expect(ids).toEqual(expect.arrayContaining(['3', '4', '5']));
    expect(ids).not.toContain('1');
    expect(ids).not.toContain('2');
    const down = await call('POST', at(vm.id, 'resize'), { size: '1' });
    expect(down.statusCode).toBe(400);
    expect(down.json().error.code).toBe('size_not_offered');

    expect((await call('POST', at(vm.id, 'resize'), { size: '3' })).statusCode).toBe(204);
    expect(server(vm.externalId)).toMatchObject({ status: 'SHUTOFF' });
    expect(server(vm.externalId).flavor.id).toBe('3');
    await pollNow(api, cloud.cloudId);
    const row = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: vm.id } });
    expect(row.size).toBe('3');
  });
});
