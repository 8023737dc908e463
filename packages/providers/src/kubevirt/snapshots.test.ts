// Snapshots and resizing of KubeVirt VMs against the emulated API server, through
// @kubernetes/client-node: VirtualMachineSnapshots that become ready, restores KubeVirt admits
// only for a stopped VM and that put its spec back, and instancetype changes by merge patch.

import { type KubevirtSim, startKubevirtSim } from '@overcast/cloud-sim';
import type { ResizeDriver, SnapshotDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../common/test-support/failure';
import { createKubevirtDriver } from './driver';

const TOKEN = 'kv-snap-token';
let sim: KubevirtSim;
let d: SnapshotDriver & ResizeDriver;

const vm = (name: string) => sim.cluster.get('virtualmachines', 'default', name);

/** Polls until the condition holds: the snapshot controller finishes on its own time. */
async function until<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never held');
}

beforeAll(async () => {
  sim = await startKubevirtSim({ machines: 5, namePrefix: 'kv', tokens: [{ token: TOKEN }] });
  d = createKubevirtDriver({
    credentials: { kubeconfig: sim.kubeconfig(TOKEN) },
    config: {},
  }) as SnapshotDriver & ResizeDriver;
});
afterAll(() => sim.close());

describe('KubeVirt snapshots', () => {
  it('takes a VirtualMachineSnapshot, restores a stopped VM from it and deletes it', async () => {
    expect(d.revertNeeds).toBe('stopped');
    await d.createSnapshot('default/kv-004', 'Before Upgrade');
    const snap = sim.cluster.get('virtualmachinesnapshots', 'default', 'kv-004-before-upgrade');
    expect(snap.spec.source).toEqual({ apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'kv-004' });
    const listed = await until(
      () => d.listSnapshots('default/kv-004'),
      (l) => l[0]?.state === 'available',
    );
    expect(listed).toEqual([
      {
        externalId: 'kv-004-before-upgrade',
        name: 'Before Upgrade',
        state: 'available',
        createdAt: expect.any(Date),
        sizeGb: null,
      },
    ]);
    // Another VM's list does not show it.
    expect(await d.listSnapshots('default/kv-000')).toEqual([]);

    // Resized since; the restore brings the instancetype of the snapshot back.
    await d.resizeMachine('default/kv-004', 'u1.large');
    expect(vm('kv-004').spec.instancetype.name).toBe('u1.large');
    await d.revertSnapshot('default/kv-004', 'kv-004-before-upgrade');
    expect(vm('kv-004').spec.instancetype.name).toBe('u1.small');
    const restores = sim.cluster.list('virtualmachinerestores', 'default');
    expect(restores.at(-1)!.status).toMatchObject({ complete: true });
    expect(vm('kv-004').spec.runStrategy).toBe('Halted');

    await d.deleteSnapshot('default/kv-004', 'kv-004-before-upgrade');
    expect(await d.listSnapshots('default/kv-004')).toEqual([]);
  });

  it("refuses a restore of a running VM and of an unknown snapshot in KubeVirt's words", async () => {
    await d.createSnapshot('default/kv-000', 'live');
    await until(
      () => d.listSnapshots('default/kv-000'),
      (l) => l[0]?.state === 'available',
    );
    const running = await failure(d.revertSnapshot('default/kv-000', 'kv-000-live'));
    expect(running.kind).toBe('invalid');
    expect(running.message).toMatch(/VirtualMachine "kv-000" is not stopped/);
    const unknown = await failure(d.revertSnapshot('default/kv-004', 'nope'));
    expect(unknown.message).toMatch(/VirtualMachineSnapshot "nope" does not exist/);
    expect((await failure(d.deleteSnapshot('default/kv-000', 'nope'))).kind).toBe('not-found');
    await d.deleteSnapshot('default/kv-000', 'kv-000-live');
  });
});

describe('KubeVirt resize', () => {
  it('merge-patches a stopped VM to another instancetype, dropping CPU written in its template', async () => {
    const stopped = vm('kv-004');
    stopped.spec.template.spec.domain.cpu = { cores: 2 };
    await d.resizeMachine('default/kv-004', 'u1.medium');
    expect(stopped.spec.instancetype).toEqual({
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.medium',
    });
    expect(stopped.spec.template.spec.domain.cpu).toBeUndefined();
    expect(
      sim.requestLog.some((r) => r.method === 'PATCH' && r.path.endsWith('/virtualmachines/kv-004')),
    ).toBe(true);
  });

  it('refuses a running VM and an instancetype the cluster has not', async () => {
    const running = await failure(d.resizeMachine('default/kv-000', 'u1.large'));
    expect(running.kind).toBe('conflict');
    expect(running.message).toMatch(/is Running: stop it/);
    expect(vm('kv-000').spec.instancetype.name).toBe('u1.small');
    const unknown = await failure(d.resizeMachine('default/kv-004', 'u9.huge'));
    expect(unknown.kind).toBe('invalid');
    expect(unknown.message).toMatch(/Failure to find instancetype/);
  });
});
