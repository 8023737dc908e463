// A VM's snapshots through the VI/JSON API (vCenter's REST API has none): the VM's `snapshot`
// property is the tree of them, each a VirtualMachineSnapshot managed object (snapshot-12) taken,
// reverted to and removed by tasks that are waited on. Snapshot ids are vCenter-wide, so one is
// acted on only once found in this VM's own tree.

import { ProviderError, type RemoteSnapshot } from '@overcast/contracts';
import type { MoRef, VimClient } from './vim';

interface SnapshotTree {
  snapshot?: MoRef;
  name?: string;
  description?: string;
  createTime?: string;
  state?: string;
  childSnapshotList?: SnapshotTree[];
}

interface SnapshotInfo {
  currentSnapshot?: MoRef;
  rootSnapshotList?: SnapshotTree[];
}

const SNAPSHOT_ID = /^snapshot-\d{1,12}$/;

function flatten(trees: SnapshotTree[] | undefined, out: SnapshotTree[] = []): SnapshotTree[] {
  for (const t of trees ?? []) {
    out.push(t);
    flatten(t.childSnapshotList, out);
  }
  return out;
}

function toSnapshot(t: SnapshotTree & { snapshot: MoRef }): RemoteSnapshot {
  const created = t.createTime ? new Date(t.createTime) : null;
  return {
    externalId: t.snapshot.value,
    name: t.name?.trim() || t.snapshot.value,
    state: 'available',
    createdAt: created && !Number.isNaN(created.getTime()) ? created : null,
    sizeGb: null,
  };
}

export async function listSnapshots(vim: VimClient, vm: string): Promise<RemoteSnapshot[]> {
  const info = await vim.property<SnapshotInfo>('VirtualMachine', vm, 'snapshot');
  return flatten(info?.rootSnapshotList)
    .filter((t): t is SnapshotTree & { snapshot: MoRef } => typeof t.snapshot?.value === 'string')
    .map(toSnapshot);
}

/**
 * A running VM's memory is kept with its snapshot, as the vSphere Client does by default, so a
 * revert brings it back running where it was; a powered-off VM's snapshot is of its disks.
 */
export async function createSnapshot(vim: VimClient, vm: string, name: string, running: boolean) {
  await vim.runTask('VirtualMachine', vm, 'CreateSnapshot_Task', {
    name: name.trim(),
    description: 'Taken in Overcast',
    memory: running,
    quiesce: false,
  });
}

async function ownSnapshot(vim: VimClient, vm: string, id: string): Promise<string> {
  if (SNAPSHOT_ID.test(id) && (await listSnapshots(vim, vm)).some((s) => s.externalId === id)) return id;
  throw new ProviderError('not-found', `The virtual machine ${vm} has no snapshot ${id}.`);
}

export async function revertSnapshot(vim: VimClient, vm: string, id: string) {
  await vim.runTask('VirtualMachineSnapshot', await ownSnapshot(vim, vm, id), 'RevertToSnapshot_Task', {});
}

/** Removes one snapshot; its children stay, their changes merged into it as vSphere does. */
export async function deleteSnapshot(vim: VimClient, vm: string, id: string) {
  await vim.runTask('VirtualMachineSnapshot', await ownSnapshot(vim, vm, id), 'RemoveSnapshot_Task', {
    removeChildren: false,
  });
}
