// KubeVirt's snapshot.kubevirt.io objects and the VM merge patch: a VirtualMachineSnapshot keeps
// the VM's spec and becomes readyToUse when the controller is done; a VirtualMachineRestore is
// refused by the admission webhook unless its VM is stopped and its snapshot ready, and puts the
// spec back when it completes. A merge patch of a VM (RFC 7386) is checked as the VM webhook does.

import { type Cluster, KubeError, type Obj } from './cluster';

/** What each snapshot held: the VM's spec when it was taken, by namespace/name of the snapshot. */
const contents = new WeakMap<Cluster, Map<string, Obj['spec']>>();
const held = (c: Cluster) => contents.get(c) ?? contents.set(c, new Map()).get(c)!;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const denied = (webhook: string, message: string) =>
  new KubeError(422, 'Invalid', `admission webhook "${webhook}" denied the request: ${message}`);

function vmRef(body: Obj, field: 'source' | 'target', webhook: string): string {
  const ref = body?.spec?.[field];
  if (ref?.kind !== 'VirtualMachine' || ref?.apiGroup !== 'kubevirt.io' || typeof ref?.name !== 'string')
    throw denied(webhook, `spec.${field}: Invalid value: only VirtualMachine of kubevirt.io is supported`);
  return ref.name;
}

export function createSnapshot(c: Cluster, namespace: string, body: Obj): Obj {
  const webhook = 'virtualmachinesnapshot-validator.snapshot.kubevirt.io';
  const name = c.checkName('virtualmachinesnapshots', body?.metadata?.name, namespace);
  const source = vmRef(body, 'source', webhook);
  const vm = c.get('virtualmachines', namespace, source);
  const snap = c.put('virtualmachinesnapshots', {
    metadata: { name, namespace, labels: body.metadata.labels, annotations: body.metadata.annotations },
    spec: body.spec,
    status: { phase: 'InProgress', readyToUse: false, sourceUID: vm.metadata.uid },
  });
  const spec = structuredClone(vm.spec);
  c.timeline.schedule(c.snapshotDelayMs, () => {
    if (!c.list('virtualmachinesnapshots', namespace).includes(snap)) return;
    held(c).set(`${namespace}/${name}`, spec);
    snap.status = {
      ...snap.status,
      phase: 'Succeeded',
      readyToUse: true,
      creationTime: now(),
      virtualMachineSnapshotContentName: `vmsnapshot-content-${snap.metadata.uid}`,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Operation complete' }],
    };
    c.stamp(snap.metadata);
  });
  return snap;
}

export function createRestore(c: Cluster, namespace: string, body: Obj): Obj {
  const webhook = 'virtualmachinerestore-validator.snapshot.kubevirt.io';
  const name = c.checkName('virtualmachinerestores', body?.metadata?.name, namespace);
  const target = vmRef(body, 'target', webhook);
  const snapName = body.spec?.virtualMachineSnapshotName;
  if (typeof snapName !== 'string') throw denied(webhook, 'spec.virtualMachineSnapshotName: Required value');
  const snap = c.list('virtualmachinesnapshots', namespace).find((s) => s.metadata.name === snapName);
  if (!snap)
    throw denied(
      webhook,
      `spec.virtualMachineSnapshotName: VirtualMachineSnapshot "${snapName}" does not exist`,
    );
  if (snap.status?.readyToUse !== true)
    throw denied(webhook, `spec.virtualMachineSnapshotName: VirtualMachineSnapshot "${snapName}" not ready`);
  const vm = c.get('virtualmachines', namespace, target);
  if (c.running(vm)) throw denied(webhook, `spec.target: VirtualMachine "${target}" is not stopped`);
  const restore = c.put('virtualmachinerestores', {
    metadata: { name, namespace },
    spec: body.spec,
    status: {
      complete: false,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'Initializing' }],
    },
  });
  const spec = held(c).get(`${namespace}/${snapName}`);
  c.timeline.schedule(c.snapshotDelayMs, () => {
    // The spec comes back as it was; whether the VM runs stays as it is now.
    vm.spec = { ...structuredClone(spec), runStrategy: vm.spec.runStrategy, running: vm.spec.running };
    if (vm.spec.running === undefined) delete vm.spec.running;
    if (vm.spec.runStrategy === undefined) delete vm.spec.runStrategy;
    c.stamp(vm.metadata);
    restore.status = {
      complete: true,
      restoreTime: now(),
      conditions: [{ type: 'Ready', status: 'True', reason: 'Operation complete' }],
    };
    c.stamp(restore.metadata);
  });
  return restore;
}

export function forgetSnapshot(c: Cluster, namespace: string, name: string): void {
  held(c).delete(`${namespace}/${name}`);
}

/** RFC 7386: objects merge, null removes, anything else replaces. */
function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** `PATCH …/virtualmachines/NAME` as application/merge-patch+json. */
export function patchVm(c: Cluster, namespace: string, name: string, patch: Obj): Obj {
  const vm = c.get('virtualmachines', namespace, name);
  const next = merge({ metadata: vm.metadata, spec: vm.spec }, patch) as Obj;
  if (next.metadata?.name !== name)
    throw new KubeError(
      422,
      'Invalid',
      `VirtualMachine.kubevirt.io "${name}" is invalid: metadata.name: field is immutable`,
    );
  const type = next.spec?.instancetype?.name;
  if (
    type !== undefined &&
    !c.list('virtualmachineclusterinstancetypes').some((t) => t.metadata.name === type)
  )
    throw denied(
      'virtualmachine-validator.kubevirt.io',
      `Failure to find instancetype: virtualmachineclusterinstancetypes.instancetype.kubevirt.io "${type}" not found`,
    );
  if (type !== undefined && next.spec.template?.spec?.domain?.cpu)
    throw denied(
      'virtualmachine-validator.kubevirt.io',
      'VM field(s) spec.template.spec.domain.cpu conflicts with selected instance type',
    );
  const changed = JSON.stringify(next.spec) !== JSON.stringify(vm.spec);
  vm.spec = next.spec;
  vm.metadata.labels = next.metadata.labels ?? {};
  if (changed) {
    vm.metadata.generation = Number(vm.metadata.generation ?? 1) + 1;
    // A running VM keeps what it booted with until it restarts.
    if (c.running(vm))
      vm.status = {
        ...vm.status,
        conditions: [
          { type: 'RestartRequired', status: 'True', message: 'a non-live-updatable field was changed' },
        ],
      };
  }
  c.stamp(vm.metadata);
  return vm;
}
