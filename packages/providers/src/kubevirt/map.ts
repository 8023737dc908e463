// KubeVirt and CDI objects as Overcast sees them. A machine's id is `namespace/name`: names are
// unique only within their namespace.

import type {
  MachineState,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
  VolumeState,
} from '@overcast/contracts';

export interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string | Date;
  uid?: string;
  resourceVersion?: string;
}

export interface VmVolume {
  name: string;
  dataVolume?: { name: string };
  persistentVolumeClaim?: { claimName: string };
  containerDisk?: { image: string };
  cloudInitNoCloud?: Record<string, unknown>;
}

export interface VirtualMachine {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: {
    running?: boolean;
    runStrategy?: string;
    instancetype?: { name: string; kind?: string };
    dataVolumeTemplates?: Array<{ metadata: Meta; spec: DataVolumeSpec }>;
    template: {
      metadata?: { labels?: Record<string, string> };
      spec: {
        domain: {
          cpu?: { cores?: number; sockets?: number; threads?: number };
          memory?: { guest?: string };
          resources?: { requests?: { memory?: string; cpu?: string } };
          devices?: { disks?: Array<{ name: string; disk?: { bus?: string } }>; interfaces?: unknown[] };
        };
        volumes?: VmVolume[];
        networks?: unknown[];
      };
    };
  };
  status?: { printableStatus?: string; ready?: boolean; created?: boolean };
}

export interface VirtualMachineInstance {
  metadata: Meta;
  status?: {
    phase?: string;
    nodeName?: string;
    interfaces?: Array<{ name?: string; ipAddress?: string; ipAddresses?: string[] }>;
  };
}

export interface DataVolumeSpec {
  source?: Record<string, unknown>;
  sourceRef?: { kind: string; name: string; namespace?: string };
  storage?: { resources?: { requests?: { storage?: string } } };
  pvc?: { resources?: { requests?: { storage?: string } } };
}

export interface DataVolume {
  metadata: Meta;
  spec: DataVolumeSpec;
  status?: { phase?: string; progress?: string };
}

export interface Pvc {
  metadata: Meta;
  spec?: { resources?: { requests?: Record<string, string> }; storageClassName?: string };
  status?: { phase?: string; capacity?: Record<string, string> };
}

export interface DataSource {
  metadata: Meta;
  spec?: { source?: { pvc?: { name: string; namespace?: string }; snapshot?: unknown } };
}

export interface Instancetype {
  metadata: Meta;
  spec?: { cpu?: { guest?: number }; memory?: { guest?: string } };
}

export const idOf = (meta: Meta) => `${meta.namespace ?? 'default'}/${meta.name}`;

const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const FACTOR: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

/** Bytes of a Kubernetes quantity ("10Gi", "64M"), or null when it is none. */
export function bytesOf(quantity: string | undefined): number | null {
  const m = quantity ? QUANTITY.exec(quantity.trim()) : null;
  return m ? Number(m[1]) * FACTOR[m[2] ?? '']! : null;
}

const toDate = (v: string | Date | undefined) => (v ? new Date(v) : null);

const STATE: Record<string, MachineState> = {
  Running: 'running',
  Migrating: 'running',
  Stopped: 'stopped',
  Paused: 'stopped',
  Starting: 'pending',
  Provisioning: 'pending',
  WaitingForVolumeBinding: 'pending',
  Stopping: 'pending',
  Terminating: 'pending',
  CrashLoopBackOff: 'error',
  ErrorUnschedulable: 'error',
  ErrImagePull: 'error',
  ImagePullBackOff: 'error',
  ErrorPvcNotFound: 'error',
  ErrorDataVolumeNotFound: 'error',
  DataVolumeError: 'error',
  Unknown: 'unknown',
};

/** printableStatus is KubeVirt's own word; older servers (v1alpha3) give only spec.running and the VMI. */
export function machineState(
  vm: VirtualMachine,
  vmi?: VirtualMachineInstance,
): { state: MachineState; raw: string } {
  const printable = vm.status?.printableStatus;
  if (printable) return { state: STATE[printable] ?? 'unknown', raw: printable };
  if (vmi?.status?.phase === 'Running' || vm.status?.ready) return { state: 'running', raw: 'Running' };
  const wantsRunning = vm.spec.running ?? (vm.spec.runStrategy ? vm.spec.runStrategy !== 'Halted' : false);
  return wantsRunning
    ? { state: 'pending', raw: vmi?.status?.phase ?? 'Starting' }
    : { state: 'stopped', raw: 'Stopped' };
}

/** What the machine boots from: its DataVolume template's source, or its container disk. */
function imageOf(vm: VirtualMachine): string | null {
  for (const t of vm.spec.dataVolumeTemplates ?? []) {
    const ref = t.spec.sourceRef;
    if (ref) return `${ref.namespace ?? vm.metadata.namespace ?? 'default'}/${ref.name}`;
    const registry = (t.spec.source?.registry as { url?: string } | undefined)?.url;
    if (registry) return registry;
    const http = (t.spec.source?.http as { url?: string } | undefined)?.url;
    if (http) return http;
  }
  return vm.spec.template.spec.volumes?.find((v) => v.containerDisk)?.containerDisk?.image ?? null;
}

/** The claims a VM's template mounts (a DataVolume's PVC has the DataVolume's name). */
export function claimsOf(vm: VirtualMachine): string[] {
  return (vm.spec.template.spec.volumes ?? []).flatMap((v) =>
    v.dataVolume ? [v.dataVolume.name] : v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
}

export function toMachine(vm: VirtualMachine, vmi?: VirtualMachineInstance): RemoteMachine {
  const { state, raw } = machineState(vm, vmi);
  const ips = (vmi?.status?.interfaces ?? []).flatMap(
    (i) => i.ipAddresses ?? (i.ipAddress ? [i.ipAddress] : []),
  );
  const domain = vm.spec.template.spec.domain;
  const memory = domain.memory?.guest ?? domain.resources?.requests?.memory;
  return {
    externalId: idOf(vm.metadata),
    name: vm.metadata.name,
    state,
    rawState: raw,
    size: vm.spec.instancetype?.name ?? null,
    image: imageOf(vm),
    location: vm.metadata.namespace ?? 'default',
    publicIps: [],
    privateIps: [...new Set(ips.map((ip) => ip.replace(/\/\d+$/, '')))],
    createdAt: toDate(vm.metadata.creationTimestamp),
    tags: { ...(vm.metadata.labels ?? {}) },
    extra: {
      uid: vm.metadata.uid ?? null,
      runStrategy: vm.spec.runStrategy ?? null,
      node: vmi?.status?.nodeName ?? null,
      cpuCores: domain.cpu?.cores ?? null,
      memory: memory ?? null,
    },
  };
}

const VOLUME_STATE: Record<string, VolumeState> = { Bound: 'available', Pending: 'creating', Lost: 'error' };

/** A PVC (and the DataVolume that made it, if one did) as a volume. */
export function toVolume(pvc: Pvc | undefined, dv: DataVolume | undefined, users: string[]): RemoteVolume {
  const meta = (pvc?.metadata ?? dv?.metadata)!;
  const requested =
    pvc?.status?.capacity?.storage ??
    pvc?.spec?.resources?.requests?.storage ??
    dv?.spec.storage?.resources?.requests?.storage ??
    dv?.spec.pvc?.resources?.requests?.storage;
  const dvPhase = dv?.status?.phase;
  let state: VolumeState = pvc ? (VOLUME_STATE[pvc.status?.phase ?? ''] ?? 'unknown') : 'creating';
  if (dvPhase === 'Failed') state = 'error';
  else if (dvPhase && dvPhase !== 'Succeeded' && dvPhase !== 'PendingPopulation') state = 'creating';
  if (state === 'available' && users.length > 0) state = 'in-use';
  return {
    externalId: idOf(meta),
    name: meta.name,
    sizeGb: Math.ceil((bytesOf(requested) ?? 0) / 2 ** 30),
    state,
    rawState: dvPhase ?? pvc?.status?.phase ?? '',
    location: meta.namespace ?? 'default',
    attachedTo: users,
    createdAt: toDate(meta.creationTimestamp),
    tags: { ...(meta.labels ?? {}) },
    extra: {
      kind: dv ? 'DataVolume' : 'PersistentVolumeClaim',
      storageClass: pvc?.spec?.storageClassName ?? null,
      progress: dv?.status?.progress ?? null,
    },
  };
}

export function toSize(t: Instancetype): RemoteSize {
  const memory = bytesOf(t.spec?.memory?.guest);
  return {
    externalId: t.metadata.name,
    name: t.metadata.name,
    cpus: t.spec?.cpu?.guest ?? null,
    memoryMb: memory === null ? null : Math.round(memory / 2 ** 20),
    diskGb: null,
    locations: [],
    extra: {},
  };
}

export function toImage(ds: DataSource): RemoteImage {
  const pvc = ds.spec?.source?.pvc;
  return {
    externalId: idOf(ds.metadata),
    name: ds.metadata.name,
    os: ds.metadata.labels?.['instancetype.kubevirt.io/default-preference'] ?? null,
    isPublic: false,
    extra: { source: pvc ? `${pvc.namespace ?? ds.metadata.namespace}/${pvc.name}` : null },
  };
}

export const toLocation = (namespace: string): RemoteLocation => ({
  externalId: namespace,
  name: namespace,
  country: null,
  extra: {},
});
