// Resizing VMs and their snapshots through the Azure driver, the real SDK and the emulator: the
// sizes a VM can take where it is (vmSizes), a PATCH of its size, managed snapshots of its OS disk,
// a revert that swaps in a disk copied from one, and Azure's refusals.

import { isResizeDriver, isSnapshotDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureSim, startAzureSim } from '../../../cloud-sim/src/azure/index';
import { failure } from '../common/test-support/failure';
import { createAzureDriver } from './index';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB = '00000000-0000-0000-0000-00000000000a';
const SECRET = 'Q~sim.secret-value';

let sim: AzureSim;

function driver() {
  const d = createAzureDriver({
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET },
    endpoint: sim.url,
    config: {
      subscriptionId: SUB,
      authorityHost: sim.url,
      caCertificate: sim.ca,
      pricesEndpoint: sim.url,
      retryAttempts: 2,
      retryBaseDelayMs: 1,
      pollIntervalMs: 20,
    },
  });
  if (!isSnapshotDriver(d) || !isResizeDriver(d)) throw new Error('no snapshots or resize');
  return d;
}

const idOf = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/overcast-rg/providers/Microsoft.Compute/virtualMachines/${name}`;
const vm = (name: string) => sim.state.vm(idOf(name))!;

beforeAll(async () => {
  // vm-1 B1s running, vm-2 B2s, vm-3 D2s_v5, vm-4 D4s_v5 stopped, vm-5 E2s_v5 deallocated.
  sim = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: SECRET, subscriptions: [SUB] }],
    subscriptions: [{ id: SUB, vms: 5 }],
    transitionMs: 50,
  });
});
afterAll(() => sim?.close());

describe('resize', () => {
  it('offers the sizes of the VM’s hardware cluster while allocated, every size once deallocated', async () => {
    const d = driver();
    expect((await d.resizeTargets!(idOf('vm-4'))).sort()).toEqual([
      'Standard_D2s_v5',
      'Standard_D4s_v5',
      'Standard_E2s_v5',
    ]);
    expect(await d.resizeTargets!(idOf('vm-5'))).toHaveLength(5);
  });

  it('changes the size as a long-running PATCH', async () => {
    await driver().resizeMachine(idOf('vm-4'), 'Standard_E2s_v5');
    expect(vm('vm-4')).toMatchObject({ size: 'Standard_E2s_v5', provisioningState: 'Succeeded' });
  });

  it('refuses in Azure’s words a size not in the VM’s cluster and a size that does not exist', async () => {
    const d = driver();
    const elsewhere = await failure(d.resizeMachine(idOf('vm-4'), 'Standard_B1s'));
    expect(elsewhere.kind).toBe('conflict');
    expect(elsewhere.message).toMatch(
      /Unable to resize the VM 'vm-4' because the requested size Standard_B1s/,
    );
    const unknown = await failure(d.resizeMachine(idOf('vm-4'), 'Standard_Z99'));
    expect(unknown.kind).toBe('invalid');
    expect(unknown.message).toMatch(/Standard_Z99' provided for the VM size is not valid/);
    expect(vm('vm-4').size).toBe('Standard_E2s_v5');
  });
});

describe('snapshots', () => {
  it('snapshots the OS disk, lists it as the VM’s, reverts by swapping in a copy, and deletes it', async () => {
    const d = driver();
    const firstDisk = vm('vm-1').osDiskId;
    await d.createSnapshot(idOf('vm-1'), 'before-upgrade');
    const [taken, ...more] = await d.listSnapshots(idOf('vm-1'));
    expect(more).toEqual([]);
    expect(taken).toMatchObject({ name: 'before-upgrade', state: 'available', sizeGb: 30 });
    const stored = [...sim.state.snapshots.values()][0]!;
    expect(stored).toMatchObject({ name: taken!.externalId, sourceResourceId: firstDisk });
    expect(await d.listSnapshots(idOf('vm-2'))).toEqual([]);

    // A running VM keeps its disk: Azure swaps the OS disk only of a deallocated VM.
    const running = await failure(d.revertSnapshot(idOf('vm-1'), taken!.externalId));
    expect(running).toMatchObject({ kind: 'conflict' });
    expect(running.message).toMatch(/deallocated VM, and vm-1 is running/);
    expect(vm('vm-1').osDiskId).toBe(firstDisk);

    // Powered off but still allocated: deallocated first, then the disk is swapped.
    await d.machineAction(idOf('vm-1'), 'stop');
    await d.revertSnapshot(idOf('vm-1'), taken!.externalId);
    const after = vm('vm-1');
    expect(after.power).toBe('deallocated');
    expect(after.osDiskId).not.toBe(firstDisk);
    expect(sim.state.disk(after.osDiskId)).toMatchObject({ copiedFrom: stored.id, managedBy: after.id });
    expect(sim.state.disk(firstDisk)).toBeUndefined();
    // Still the VM's snapshot after its disk changed.
    expect((await d.listSnapshots(idOf('vm-1'))).map((s) => s.externalId)).toEqual([taken!.externalId]);

    await d.deleteSnapshot(idOf('vm-1'), taken!.externalId);
    expect(await d.listSnapshots(idOf('vm-1'))).toEqual([]);
    expect(sim.state.snapshots.size).toBe(0);
  });

  it('refuses an unknown snapshot, another VM’s snapshot and a name that is no snapshot name', async () => {
    const d = driver();
    expect((await failure(d.revertSnapshot(idOf('vm-5'), 'vm-5-snap-00000000'))).kind).toBe('not-found');
    expect((await failure(d.deleteSnapshot(idOf('vm-5'), '../x'))).kind).toBe('invalid');
    await d.createSnapshot(idOf('vm-2'), 'theirs');
    const [theirs] = await d.listSnapshots(idOf('vm-2'));
    expect((await failure(d.deleteSnapshot(idOf('vm-5'), theirs!.externalId))).kind).toBe('not-found');
    await d.deleteSnapshot(idOf('vm-2'), theirs!.externalId);
    expect(sim.state.snapshots.size).toBe(0);
  });
});
