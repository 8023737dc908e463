// vCenter's answers as Overcast's shapes. Pure functions, so they are tested without a server.

import {
  type MachineState,
  ProviderError,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { classifyIp, parseIp } from '@overcast/contracts/addresses';

export interface VmSummary {
  vm: string;
  name: string;
  power_state: string;
  cpu_count?: number;
  memory_size_MiB?: number;
}

export interface VmDisk {
  label?: string;
  capacity?: number;
  backing?: { type?: string; vmdk_file?: string };
}

export interface VmInfo {
  name?: string;
  power_state?: string;
  guest_OS?: string;
  cpu?: {
    count?: number;
    cores_per_socket?: number;
    hot_add_enabled?: boolean;
    hot_remove_enabled?: boolean;
  };
  memory?: { size_MiB?: number; hot_add_enabled?: boolean };
  disks?: Record<string, VmDisk>;
  /** Its network adapters; `backing.network` is the portgroup or opaque network it is on. */
  nics?: Record<string, { label?: string; backing?: { type?: string; network?: string } }>;
  identity?: { instance_uuid?: string };
}

export interface GuestIdentity {
  host_name?: string;
  ip_address?: string;
  full_name?: { default_message?: string };
}

export interface HostSummary {
  host: string;
  name: string;
  connection_state?: string;
  power_state?: string;
}

export interface DatastoreSummary {
  datastore: string;
  name: string;
  type?: string;
  free_space?: number;
  capacity?: number;
}

/** Where a host sits: its cluster (if any) and datacenter. */
export interface Placement {
  host: HostSummary;
  cluster: { cluster: string; name: string } | null;
  datacenter: { datacenter: string; name: string } | null;
}

const STATES: Record<string, MachineState> = {
  POWERED_ON: 'running',
  POWERED_OFF: 'stopped',
  // A suspended VM holds its memory on disk and runs nothing: stopped, as far as a person cares.
  SUSPENDED: 'stopped',
};

export const stateOf = (power: string | undefined): MachineState => STATES[power ?? ''] ?? 'unknown';

const VM_ID = /^vm-\d{1,12}$/;

/** A VM's managed object id (vm-42), checked before it goes in a path. */
export function vmId(externalId: string): string {
  if (!VM_ID.test(externalId))
    throw new ProviderError(
      'invalid',
      `'${externalId}' is not a vSphere virtual machine id (such as vm-42).`,
    );
  return externalId;
}

export const sizeOf = (cpus: number | undefined, memoryMb: number | undefined) =>
  typeof cpus === 'number' && typeof memoryMb === 'number' ? `${cpus}c-${memoryMb}m` : null;

/** The guest's address as VMware Tools reports it, public or private; none without Tools. */
export function addressesOf(identity: GuestIdentity | null): { publicIps: string[]; privateIps: string[] } {
  const out = { publicIps: [] as string[], privateIps: [] as string[] };
  const address = identity?.ip_address?.trim();
  const ip = address ? parseIp(address) : null;
  if (!address || !ip) return out;
  const kind = classifyIp(ip);
  if (kind === 'link-local' || kind === 'unspecified' || kind === 'multicast') return out;
  (kind === 'private' ? out.privateIps : out.publicIps).push(address);
  return out;
}

/** `[datastore1] web-01/web-01.vmdk` -> `datastore1`. */
export const datastoreOfFile = (file: string | undefined): string | null =>
  /^\[([^\]]+)\]/.exec(file ?? '')?.[1] ?? null;

export function toMachine(
  summary: VmSummary,
  info: VmInfo | null,
  identity: GuestIdentity | null,
  placement: Placement | null,
): RemoteMachine {
  const cpus = info?.cpu?.count ?? summary.cpu_count;
  const memoryMb = info?.memory?.size_MiB ?? summary.memory_size_MiB;
  const power = info?.power_state ?? summary.power_state;
  const disks = Object.values(info?.disks ?? {});
  return {
    externalId: summary.vm,
    name: info?.name ?? summary.name,
    state: stateOf(power),
    rawState: power ?? 'unknown',
    size: sizeOf(cpus, memoryMb),
    image: info?.guest_OS ?? null,
    location: placement?.host.host ?? null,
    ...addressesOf(identity),
    createdAt: null,
    tags: {},
    extra: {
      cpus: cpus ?? null,
      memoryMb: memoryMb ?? null,
      diskGb: disks.reduce((n, d) => n + Math.round((d.capacity ?? 0) / 1024 ** 3), 0),
      guestOs: info?.guest_OS ?? null,
      guestFullName: identity?.full_name?.default_message ?? null,
      hostName: identity?.host_name ?? null,
      instanceUuid: info?.identity?.instance_uuid ?? null,
      host: placement?.host.name ?? null,
      cluster: placement?.cluster?.name ?? null,
      datacenter: placement?.datacenter?.name ?? null,
    },
  };
}

export function toLocation(p: Placement): RemoteLocation {
  const where = [p.datacenter?.name, p.cluster?.name].filter(Boolean).join(' / ');
  return {
    externalId: p.host.host,
    name: where ? `${p.host.name} (${where})` : p.host.name,
    country: null,
    extra: {
      host: p.host.name,
      cluster: p.cluster?.cluster ?? null,
      datacenter: p.datacenter?.datacenter ?? null,
      connectionState: p.host.connection_state ?? null,
      powerState: p.host.power_state ?? null,
    },
  };
}

const GIB = 1024 ** 3;

/** A datastore as a volume: its capacity, and the VMs with a disk on it. */
export function toVolume(ds: DatastoreSummary, users: string[]): RemoteVolume {
  return {
    externalId: ds.datastore,
    name: ds.name,
    sizeGb: Math.round((ds.capacity ?? 0) / GIB),
    state: users.length > 0 ? 'in-use' : 'available',
    rawState: '',
    location: null,
    attachedTo: users,
    createdAt: null,
    tags: {},
    extra: {
      type: ds.type ?? null,
      freeGb: typeof ds.free_space === 'number' ? Math.round(ds.free_space / GIB) : null,
    },
  };
}
