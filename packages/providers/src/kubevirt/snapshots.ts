// Snapshots of a VirtualMachine as KubeVirt keeps them: VirtualMachineSnapshots
// (snapshot.kubevirt.io) in the VM's namespace, ready when `status.readyToUse`; a revert is a
// VirtualMachineRestore, which KubeVirt admits only for a stopped VM and completes on its own,
// so it is followed until `status.complete`. Names are Kubernetes names: the VM's, then the
// user's text made one, which an annotation keeps as written.

import { ProviderError, type RemoteSnapshot } from '@overcast/contracts';
import type { KubeClient } from './client';
import type { Meta } from './map';

export const SNAPSHOT = { group: 'snapshot.kubevirt.io', version: 'v1beta1' };
/** Where the user's own name for a snapshot is kept. */
const NAME_ANNOTATION = 'overcast.dev/snapshot-name';
/** A restore normally completes in seconds; a disk copy on slow storage may take minutes. */
const RESTORE_TIMEOUT_MS = 10 * 60_000;

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export interface VmSnapshot {
  metadata: Meta & { annotations?: Record<string, string> };
  spec?: { source?: { kind?: string; name?: string } };
  status?: { readyToUse?: boolean; phase?: string; creationTime?: string; conditions?: Condition[] };
}

interface VmRestore {
  status?: { complete?: boolean; conditions?: Condition[] };
}

export interface VmRef {
  namespace: string;
  name: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `<vm>-<text>` as one RFC 1123 label: lowercase, other marks `-`, at most 63. */
export function snapshotNameOf(vm: string, text: string): string {
  const slug = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');
  return `${vm}-${slug}`
    .slice(0, 63)
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
}

function toSnapshot(s: VmSnapshot): RemoteSnapshot {
  const failed = s.status?.phase === 'Failed';
  const at = s.status?.creationTime ?? s.metadata.creationTimestamp;
  return {
    externalId: s.metadata.name,
    name: s.metadata.annotations?.[NAME_ANNOTATION] ?? s.metadata.name,
    state: failed ? 'error' : s.status?.readyToUse ? 'available' : 'creating',
    createdAt: at ? new Date(at) : null,
    sizeGb: null,
  };
}

/** The snapshots among a namespace's whose source is this VM. */
export function snapshotsOf(items: VmSnapshot[], vm: VmRef): RemoteSnapshot[] {
  return items
    .filter((s) => s.spec?.source?.kind === 'VirtualMachine' && s.spec.source.name === vm.name)
    .map(toSnapshot);
}

export async function createSnapshot(api: KubeClient, vm: VmRef, text: string): Promise<void> {
  const body = {
    apiVersion: 'snapshot.kubevirt.io/v1beta1',
    kind: 'VirtualMachineSnapshot',
    metadata: {
      name: snapshotNameOf(vm.name, text),
      namespace: vm.namespace,
      annotations: { [NAME_ANNOTATION]: text.trim() },
    },
    spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: vm.name } },
  };
  await api.call(
    () =>
      api.objects.createNamespacedCustomObject({
        ...SNAPSHOT,
        plural: 'virtualmachinesnapshots',
        namespace: vm.namespace,
        body,
      }),
    { idempotent: false },
  );
}

/** Makes a VirtualMachineRestore of the snapshot and waits until KubeVirt says it is complete. */
export async function revertSnapshot(api: KubeClient, vm: VmRef, snapshot: string): Promise<void> {
  const name = `${vm.name.slice(0, 48)}-restore-${Date.now().toString(36)}`;
  const ref = { ...SNAPSHOT, plural: 'virtualmachinerestores', namespace: vm.namespace };
  await api.call(
    () =>
      api.objects.createNamespacedCustomObject({
        ...ref,
        body: {
          apiVersion: 'snapshot.kubevirt.io/v1beta1',
          kind: 'VirtualMachineRestore',
          metadata: { name, namespace: vm.namespace },
          spec: {
            target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: vm.name },
            virtualMachineSnapshotName: snapshot,
          },
        },
      }),
    { idempotent: false },
  );
  const deadline = Date.now() + RESTORE_TIMEOUT_MS;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    const restore = (await api.call(() =>
      api.objects.getNamespacedCustomObject({ ...ref, name }),
    )) as VmRestore;
    if (restore.status?.complete) return;
    const failure = restore.status?.conditions?.find((c) => c.type === 'Failure' && c.status === 'True');
    if (failure)
      throw new ProviderError('conflict', failure.message || failure.reason || `restore ${name} failed`);
    if (Date.now() >= deadline)
      throw new ProviderError(
        'unavailable',
        `VirtualMachineRestore ${vm.namespace}/${name} is not complete after ${RESTORE_TIMEOUT_MS / 60_000} minutes; it may yet finish.`,
      );
    await sleep(wait);
  }
}

export async function deleteSnapshot(api: KubeClient, vm: VmRef, snapshot: string): Promise<void> {
  await api.call(() =>
    api.objects.deleteNamespacedCustomObject({
      ...SNAPSHOT,
      plural: 'virtualmachinesnapshots',
      namespace: vm.namespace,
      name: snapshot,
    }),
  );
}
