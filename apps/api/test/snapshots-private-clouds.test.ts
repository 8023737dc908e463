import {
  type KubevirtSim,
  type ProxmoxSim,
  startKubevirtSim,
  startProxmoxSim,
  startVsphereSim,
  type VsphereSim,
} from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { send, startOrgApi, type TestApi } from './support/harness';

// Snapshots and resizing through the api on the clouds people run themselves: a Proxmox VE
// cluster (snapshots rolled back in place, the cloud's size presets on the nodes they fit),
// KubeVirt (VirtualMachineSnapshots restored to a stopped VM, cluster instancetypes) and vCenter
// (snapshots through the VI/JSON API reverted in place, the create presets its hosts fit).

let api: TestApi;
let cookie: string;

const call = (method: string, url: string, payload?: unknown) => send(api, cookie, method, url, payload);
const at = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;

/** Adds a cloud, polls its machines and catalog: its id, and its machines' ids by external id. */
async function addCloud(body: object): Promise<{ cloudId: string; ids: Map<string, string> }> {
  const res = await call('POST', '/api/v1/clouds', body);
  expect(res.statusCode, res.body).toBe(201);
  const id: string = res.json().id;
  await pollNow(api, id, 'machines');
  await pollNow(api, id, 'catalog');
  const rows = await api.db.prisma.machine.findMany({ where: { cloudId: id } });
  return { cloudId: id, ids: new Map(rows.map((r) => [r.externalId, r.id])) };
}

/**
 * Takes a machine's first snapshot, `before-upgrade`, of a provider that reverts in place in any
 * state: listed alone and available once taken. Its id, which `id` matches.
 */
async function firstSnapshot(vm: string, id: unknown): Promise<string> {
  expect((await call('GET', at(vm, 'snapshots'))).json()).toEqual({
    items: [],
    canRevert: true,
    canDelete: true,
    revertNeeds: null,
  });
  expect((await call('POST', at(vm, 'snapshots'), { name: 'before-upgrade' })).statusCode).toBe(202);
  const items = (await call('GET', at(vm, 'snapshots'))).json().items;
  expect(items).toEqual([
    { id, name: 'before-upgrade', state: 'available', createdAt: expect.any(String), sizeGb: null },
  ]);
  return items[0].id;
}

/** The machine's size as the next poll finds it at the provider. */
async function syncedSize(machineId: string, cloudId: string): Promise<string | null> {
  await pollNow(api, cloudId, 'machines');
  return (await api.db.prisma.machine.findUniqueOrThrow({ where: { id: machineId } })).size;
}

beforeAll(async () => {
  ({ api, ownerCookie: cookie } = await startOrgApi());
}, 120_000);
afterAll(() => api?.close());

describe('Proxmox VE', () => {
  const TOKEN = { id: 'overcast@pve!snap', secret: '2c3d4e5f-aaaa-bbbb-cccc-111111111111' };
  let sim: ProxmoxSim;
  let ids: Map<string, string>;
  let cloudId: string;

  beforeAll(async () => {
    sim = await startProxmoxSim({ nodes: 2, machines: 10, tokens: [TOKEN], actionDelayMs: 0 });
    // pve2 has four cores: 8-core sizes are not offered for its guests.
    sim.cluster.nodeCpus.set('pve2', 4);
    ({ cloudId, ids } = await addCloud({
      provider: 'proxmox',
      title: 'pve',
      credentials: { apiToken: `${TOKEN.id}=${TOKEN.secret}` },
      endpoint: sim.url,
    }));
  }, 60_000);
  afterAll(() => sim?.close());

  it('takes a snapshot of a running VM, lists it, reverts to it in place and deletes it', async () => {
    const vm = ids.get('100')!;
    const guest = sim.cluster.guests.get(100)!;
    await firstSnapshot(vm, 'before-upgrade');
    expect(guest.snapshots.map((s) => s.name)).toEqual(['before-upgrade']);

    guest.config.memory = 2048;
    expect((await call('POST', at(vm, 'snapshots/before-upgrade/revert'))).statusCode).toBe(204);
    expect(guest.config.memory).toBe(1024);
    expect(guest.status).toBe('running');

    const unknown = await call('POST', at(vm, 'snapshots/nope/revert'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('snapshot_not_found');

    expect((await call('DELETE', at(vm, 'snapshots/before-upgrade'))).statusCode).toBe(204);
    expect((await call('GET', at(vm, 'snapshots'))).json().items).toEqual([]);
    expect(guest.snapshots).toEqual([]);
  });

  it('offers the presets that fit the node, refuses a running VM, and resizes a stopped one', async () => {
    const stopped = ids.get('109')!;
    expect(sim.cluster.guests.get(109)).toMatchObject({ node: 'pve2', status: 'stopped' });
    const options = (await call('GET', at(stopped, 'resize-options'))).json();
    expect(options.current.size).toBe('2c-2048m');
    expect(options.mustStop).toBe(false);
    // Neither its own size nor one with more cores than pve2 has.
    const offered = new Set(options.sizes.map((s: { externalId: string }) => s.externalId));
    expect(['4c-8192m', '8c-16384m', '2c-2048m'].map((id) => offered.has(id))).toEqual([true, false, false]);

    const tooBig = await call('POST', at(stopped, 'resize'), { size: '8c-16384m' });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error.code).toBe('size_not_offered');
    const running = await call('POST', at(ids.get('100')!, 'resize'), { size: '4c-8192m' });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('machine_must_be_stopped');

    expect((await call('POST', at(stopped, 'resize'), { size: '4c-8192m' })).statusCode).toBe(204);
    expect(sim.cluster.guests.get(109)!.config).toMatchObject({ cores: 4, memory: 8192 });
    expect(await syncedSize(stopped, cloudId)).toBe('4c-8192m');
  });
});

describe('KubeVirt', () => {
  const TOKEN = 'kv-snapshots-token';
  let sim: KubevirtSim;
  let ids: Map<string, string>;
  let cloudId: string;

  beforeAll(async () => {
    sim = await startKubevirtSim({ machines: 5, namePrefix: 'kv', tokens: [{ token: TOKEN }] });
    ({ cloudId, ids } = await addCloud({
      provider: 'kubevirt',
      title: 'kv',
      credentials: { kubeconfig: sim.kubeconfig(TOKEN) },
    }));
  }, 60_000);
  afterAll(() => sim?.close());

  it('takes a VirtualMachineSnapshot, restores the stopped VM from it and deletes it', async () => {
    const vm = ids.get('default/kv-004')!;
    const list = async () => (await call('GET', at(vm, 'snapshots'))).json();
    expect(await list()).toEqual({ items: [], canRevert: true, canDelete: true, revertNeeds: 'stopped' });
    expect((await call('POST', at(vm, 'snapshots'), { name: 'before-upgrade' })).statusCode).toBe(202);
    let items = (await list()).items;
    for (let i = 0; i < 50 && items[0]?.state !== 'available'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      items = (await list()).items;
    }
    expect(items).toEqual([
      {
        id: 'kv-004-before-upgrade',
        name: 'before-upgrade',
        state: 'available',
        createdAt: expect.any(String),
        sizeGb: null,
      },
    ]);

    // A running VM is refused before KubeVirt is asked.
    const running = await call(
      'POST',
      at(ids.get('default/kv-000')!, 'snapshots/kv-004-before-upgrade/revert'),
    );
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('machine_must_be_stopped');

    const restoresBefore = sim.cluster.list('virtualmachinerestores', 'default').length;
    expect((await call('POST', at(vm, 'snapshots/kv-004-before-upgrade/revert'))).statusCode).toBe(204);
    const restores = sim.cluster.list('virtualmachinerestores', 'default');
    expect(restores).toHaveLength(restoresBefore + 1);
    expect(restores.at(-1)!.status.complete).toBe(true);

    expect((await call('DELETE', at(vm, 'snapshots/kv-004-before-upgrade'))).statusCode).toBe(204);
    expect((await list()).items).toEqual([]);
  });

  it('resizes a stopped VM to another cluster instancetype and refuses one the cluster has not', async () => {
    const vm = ids.get('default/kv-004')!;
    const options = (await call('GET', at(vm, 'resize-options'))).json();
    expect(options.current.size).toBe('u1.small');
    expect(options.sizes.map((s: { externalId: string }) => s.externalId).sort()).toEqual([
      'u1.large',
      'u1.medium',
    ]);
    const unknown = await call('POST', at(vm, 'resize'), { size: 'u9.huge' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('size_not_offered');

    expect((await call('POST', at(vm, 'resize'), { size: 'u1.large' })).statusCode).toBe(204);
    expect(sim.cluster.get('virtualmachines', 'default', 'kv-004').spec.instancetype.name).toBe('u1.large');
    expect(await syncedSize(vm, cloudId)).toBe('u1.large');
  });
});

describe('VMware vSphere', () => {
  const USER = { username: 'overcast@vsphere.local', password: 'api-snapshots-password' };
  let sim: VsphereSim;
  let ids: Map<string, string>;
  let cloudId: string;

  beforeAll(async () => {
    // host-12, the last of three, is small: 4 logical CPUs and 16 GiB.
    sim = await startVsphereSim({ machines: 12, namePrefix: 'vc', users: [USER], taskMs: 20 });
    ({ cloudId, ids } = await addCloud({
      provider: 'vsphere',
      title: 'vcenter',
      credentials: USER,
      endpoint: sim.url,
    }));
  }, 60_000);
  afterAll(() => sim?.close());

  it('takes a snapshot of a running VM, reverts to it in place and deletes it', async () => {
    const vm = ids.get('vm-1005')!;
    const target = sim.inventory.vms.get('vm-1005')!;
    const id = await firstSnapshot(vm, expect.stringMatching(/^snapshot-\d+$/));

    target.cpus = 8;
    expect((await call('POST', at(vm, `snapshots/${id}/revert`))).statusCode).toBe(204);
    expect(target).toMatchObject({ cpus: 2, power: 'POWERED_ON' });

    // Another VM's snapshot is not this one's to revert.
    const other = await call('POST', at(ids.get('vm-1001')!, `snapshots/${id}/revert`));
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('snapshot_not_found');

    expect((await call('DELETE', at(vm, `snapshots/${id}`))).statusCode).toBe(204);
    expect((await call('GET', at(vm, 'snapshots'))).json().items).toEqual([]);
    expect(sim.vim.snapshotsOf('vm-1005')).toEqual([]);
  });

  it("offers the presets the VM's host fits, refuses a running VM, and resizes a stopped one", async () => {
    const stopped = ids.get('vm-1011')!;
    expect(sim.inventory.vms.get('vm-1011')).toMatchObject({ host: 'host-12', power: 'POWERED_OFF' });
    const options = (await call('GET', at(stopped, 'resize-options'))).json();
    expect(options.current.size).toBe('4c-4096m');
    expect(options.mustStop).toBe(false);
    // No 8-vCPU preset: host-12 has 4 logical CPUs.
    expect(options.sizes.map((s: { externalId: string }) => s.externalId).sort()).toEqual([
      '1c-2048m',
      '2c-4096m',
      '4c-8192m',
    ]);

    const tooBig = await call('POST', at(stopped, 'resize'), { size: '8c-16384m' });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error.code).toBe('size_not_offered');
    const running = await call('POST', at(ids.get('vm-1001')!, 'resize'), { size: '4c-8192m' });
    expect(running.statusCode).toBe(409);
    expect(running.json().error.code).toBe('machine_must_be_stopped');

    expect((await call('POST', at(stopped, 'resize'), { size: '2c-4096m' })).statusCode).toBe(204);
    expect(sim.inventory.vms.get('vm-1011')).toMatchObject({ cpus: 2, memoryMb: 4096 });
    expect(await syncedSize(stopped, cloudId)).toBe('2c-4096m');
  });

  it('resizes a running VM with hot plug on as it runs, to the sizes it can take running', async () => {
    const hot = ids.get('vm-1000')!;
    expect(sim.inventory.vms.get('vm-1000')).toMatchObject({ power: 'POWERED_ON', cpuHotAdd: true, cpus: 1 });
    const options = (await call('GET', at(hot, 'resize-options'))).json();
    expect(options.mustStop).toBe(false);
    expect(options.sizes.map((s: { externalId: string }) => s.externalId).sort()).toEqual([
      '1c-2048m',
      '2c-4096m',
      '4c-8192m',
      '8c-16384m',
    ]);
    expect((await call('POST', at(hot, 'resize'), { size: '2c-4096m' })).statusCode).toBe(204);
    expect(sim.inventory.vms.get('vm-1000')).toMatchObject({ power: 'POWERED_ON', cpus: 2, memoryMb: 4096 });
    expect(await syncedSize(hot, cloudId)).toBe('2c-4096m');
    // Smaller is not offered while it runs: vSphere removes no memory from a running VM.
    const after = (await call('GET', at(hot, 'resize-options'))).json();
    expect(after.sizes.map((s: { externalId: string }) => s.externalId).sort()).toEqual([
      '4c-8192m',
      '8c-16384m',
    ]);
    const smaller = await call('POST', at(hot, 'resize'), { size: '1c-2048m' });
    expect(smaller.statusCode).toBe(400);
    expect(smaller.json().error.code).toBe('size_not_offered');
  });
});
