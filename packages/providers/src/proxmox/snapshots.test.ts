// Snapshots and resizing of Proxmox VE guests against the emulator, through the real client:
// each write a task waited on, names Proxmox accepts made from the user's, rollbacks in place,
// cores and memory changed only on a stopped guest and only to a size its node can hold.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxmoxSim, startProxmoxSim } from '../../../cloud-sim/src/proxmox/index';
import { collect } from '../common/json-api';
import { failure } from '../common/test-support/failure';
import { createProxmoxDriverWithCertificate, type ProxmoxDriver } from './driver';

const TOKEN = 'overcast@pve!snap=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const FAST = { taskPollMs: 10, retryBaseDelayMs: 5, retryMaxDelayMs: 50 };

let sim: ProxmoxSim;
let d: ProxmoxDriver;

const machine = async (id: string) =>
  (await collect(d.listMachines(new AbortController().signal))).find((m) => m.externalId === id)!;
const taskOf = (type: string, vmid: number) =>
  [...sim.cluster.tasks.values()].filter((t) => t.type === type && t.id === String(vmid)).at(-1);

beforeAll(async () => {
  sim = await startProxmoxSim({
    machines: 12,
    tokens: [{ id: 'overcast@pve!snap', secret: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }],
    actionDelayMs: 30,
  });
  d = createProxmoxDriverWithCertificate({
    credentials: { apiToken: TOKEN },
    endpoint: sim.url,
    config: { certificateFingerprint: sim.certificate.fingerprint, ...FAST },
  });
});
afterAll(() => sim.close());

describe('Proxmox VE snapshots', () => {
  it('takes one of a running VM under a name Proxmox accepts, rolls back to it in place and deletes it', async () => {
    const vm = sim.cluster.guests.get(100)!;
    expect(vm.status).toBe('running');
    await d.createSnapshot('100', '2024 before upgrade.1');
    expect(vm.snapshots.map((s) => [s.name, s.description])).toEqual([
      ['s2024_before_upgrade_1', '2024 before upgrade.1'],
    ]);
    const list = await d.listSnapshots('100');
    // The `current` pseudo-entry is the running state, not a snapshot.
    expect(list).toEqual([
      {
        externalId: 's2024_before_upgrade_1',
        name: '2024 before upgrade.1',
        state: 'available',
        createdAt: expect.any(Date),
        sizeGb: null,
      },
    ]);

    // Changed since (in Proxmox), then rolled back: the snapshot's config, and running again.
    vm.config.memory = 4096;
    await d.revertSnapshot('100', 's2024_before_upgrade_1');
    expect(taskOf('qmrollback', 100)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(vm.config.memory).toBe(1024);
    expect(vm.status).toBe('running');
    expect(vm.lock).toBeNull();

    await d.deleteSnapshot('100', 's2024_before_upgrade_1');
    expect(taskOf('qmdelsnapshot', 100)).toMatchObject({ exitstatus: 'OK' });
    expect(await d.listSnapshots('100')).toEqual([]);
  });

  it("snapshots a container, and a stopped one's rollback leaves it stopped", async () => {
    const ct = sim.cluster.guests.get(102)!;
    expect(ct.type).toBe('lxc');
    await d.machineAction('102', 'stop');
    await d.createSnapshot('102', 'clean');
    ct.config.hostname = 'drifted';
    await d.revertSnapshot('102', 'clean');
    expect(taskOf('vzrollback', 102)).toMatchObject({ exitstatus: 'OK' });
    expect(ct.config.hostname).not.toBe('drifted');
    expect(ct.status).toBe('stopped');
    expect((await d.listSnapshots('102')).map((s) => s.name)).toEqual(['clean']);
    await d.deleteSnapshot('102', 'clean');
    expect(ct.snapshots).toEqual([]);
  });

  it("refuses an unknown snapshot, the current pseudo-snapshot and a name in use, in Proxmox's words", async () => {
    const unknown = await failure(d.revertSnapshot('101', 'nope'));
    expect(unknown.kind).toBe('not-found');
    expect(unknown.message).toMatch(/snapshot 'nope' does not exist/);
    expect((await failure(d.deleteSnapshot('101', 'nope'))).kind).toBe('not-found');
    expect((await failure(d.revertSnapshot('101', 'current'))).kind).toBe('not-found');
    expect(sim.cluster.guests.get(101)!.status).toBe('running');

    await d.createSnapshot('101', 'twice');
    expect((await failure(d.createSnapshot('101', 'twice'))).message).toMatch(
      /snapshot name 'twice' already used/,
    );
    expect(await d.listSnapshots('101')).toHaveLength(1);
    await d.deleteSnapshot('101', 'twice');
  });
});

describe('Proxmox VE resize', () => {
  it('gives a stopped VM the cores and memory of a preset', async () => {
    const vm = sim.cluster.guests.get(109)!;
    expect(vm.status).toBe('stopped');
    expect((await machine('109')).size).toBe('2c-2048m');
    await d.resizeMachine('109', '4c-8192m');
    expect(vm.config).toMatchObject({ cores: 4, memory: 8192, sockets: 1 });
    expect((await machine('109')).size).toBe('4c-8192m');
  });

  it('refuses a running VM, a size the cloud has not, and one too big for the node', async () => {
    const running = await failure(d.resizeMachine('100', '2c-4096m'));
    expect(running.kind).toBe('conflict');
    expect(running.message).toMatch(/stop it/);
    expect(sim.cluster.guests.get(100)!.config.cores).toBe(1);

    const unknown = await failure(d.resizeMachine('109', 'huge'));
    expect(unknown.kind).toBe('invalid');
    expect(unknown.message).toMatch(/not a size of this cloud/);

    sim.cluster.nodeCpus.set('pve1', 4);
    try {
      const sizes = await d.listSizes();
      // Offered only where it fits: 8 cores on the 64-core nodes, not on pve1.
      expect(sizes.find((s) => s.externalId === '8c-16384m')!.locations).toEqual(['pve2', 'pve3']);
      expect(sizes.find((s) => s.externalId === '4c-8192m')!.locations).toEqual(['pve1', 'pve2', 'pve3']);
      const big = await failure(d.resizeMachine('109', '8c-16384m'));
      expect(big.message).toMatch(/does not fit node pve1/);
      expect(sim.cluster.guests.get(109)!.config.cores).toBe(4);
    } finally {
      sim.cluster.nodeCpus.set('pve1', 64);
    }
  });

  it('matters because a running VM takes new cores only at its next start, and no more than its node has', async () => {
    const vm = sim.cluster.guests.get(103)!;
    expect(vm).toMatchObject({ type: 'qemu', status: 'running', node: 'pve1' });
    // A change made in Proxmox to the running VM waits, pending, for it to stop.
    sim.cluster.updateConfig(vm, { cores: '8' });
    expect(vm.config.cores).toBe(4);
    await d.machineAction('103', 'stop');
    expect(vm.config.cores).toBe(8);
    sim.cluster.nodeCpus.set('pve1', 4);
    try {
      const refused = await failure(d.machineAction('103', 'start'));
      expect(refused.message).toMatch(/MAX 4 vcpus allowed per VM on this node/);
      expect(vm.status).toBe('stopped');
    } finally {
      sim.cluster.nodeCpus.set('pve1', 64);
    }
  });
});
