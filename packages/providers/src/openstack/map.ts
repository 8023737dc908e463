// Nova, Cinder and Glance objects as they arrive, and their mapping to our model. OpenStack has
// no price API: machines and sizes carry no price (the per-cloud cost override applies).

import type {
  MachineState,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
  VolumeState,
} from '@overcast/contracts';
import { classifyIp, parseIp } from '@overcast/contracts/addresses';
import { parseDate } from '../common/json-api';

export interface OsWireAddress {
  addr?: string;
  version?: number;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

/** Before microversion 2.47 a flavor is `{ id }`; from it, the flavor's figures without an id. */
export interface OsWireServerFlavor {
  id?: string | number;
  original_name?: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
}

export interface OsWireServer {
  id: string | number;
  name?: string;
  status?: string;
  created?: string;
  flavor?: OsWireServerFlavor | null;
  /** "" when the server boots from a volume. */
  image?: { id?: string | number } | '' | null;
  addresses?: Record<string, OsWireAddress[]> | null;
  metadata?: Record<string, string> | null;
  key_name?: string | null;
  tenant_id?: string;
  user_id?: string;
  hostId?: string;
  accessIPv4?: string;
  accessIPv6?: string;
  progress?: number;
  fault?: { code?: number | string; message?: string; details?: string } | null;
  'OS-EXT-AZ:availability_zone'?: string;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:power_state'?: number;
  'os-extended-volumes:volumes_attached'?: Array<{ id?: string }>;
}

export interface OsWireFlavor {
  id: string | number;
  name?: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
  swap?: number | string;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  'OS-FLV-DISABLED:disabled'?: boolean;
  'os-flavor-access:is_public'?: boolean;
  description?: string | null;
}

export interface OsWireImage {
  id: string;
  name?: string | null;
  status?: string;
  visibility?: string;
  os_distro?: string;
  os_type?: string;
  min_disk?: number;
  min_ram?: number;
  size?: number | null;
  disk_format?: string;
  owner?: string;
  created_at?: string;
  /** Set on a server's snapshot (createImage): the server, and image_type "snapshot". */
  instance_uuid?: string;
  image_type?: string;
}

export interface OsWireVolume {
  id: string;
  name?: string | null;
  size?: number;
  status?: string;
  availability_zone?: string;
  attachments?: Array<{ server_id?: string; device?: string; attachment_id?: string }>;
  created_at?: string;
  metadata?: Record<string, string> | null;
  volume_type?: string | null;
  bootable?: string;
  description?: string | null;
  snapshot_id?: string | null;
}

export interface OsWireZone {
  zoneName?: string;
  zoneState?: { available?: boolean };
}

const STATES: Record<string, MachineState> = {
  ACTIVE: 'running',
  BUILD: 'pending',
  REBUILD: 'pending',
  RESIZE: 'pending',
  VERIFY_RESIZE: 'running',
  REVERT_RESIZE: 'pending',
  MIGRATING: 'pending',
  PASSWORD: 'running',
  RESCUE: 'running',
  REBOOT: 'rebooting',
  HARD_REBOOT: 'rebooting',
  SHUTOFF: 'stopped',
  // Paused, suspended and shelved servers run nothing until resumed.
  PAUSED: 'stopped',
  SUSPENDED: 'stopped',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
  STOPPED: 'stopped',
  ERROR: 'error',
  DELETED: 'terminated',
  SOFT_DELETED: 'terminated',
  UNKNOWN: 'unknown',
};

/** As for EC2: a server on its way down counts as where it is going. */
function stateOf(status: string, task: string | null | undefined): MachineState {
  if (task === 'powering-off' || task === 'deleting') return task === 'deleting' ? 'terminated' : 'stopped';
  if (task === 'powering-on') return 'pending';
  if (task === 'rebooting' || task === 'rebooting_hard' || task === 'reboot_started') return 'rebooting';
  return STATES[status] ?? 'unknown';
}

/** Network names that hold public addresses on clouds without the OS-EXT-IPS extension. */
const PUBLIC_NETWORKS = new Set(['public', 'internet']);

function isPublic(network: string, addr: string, type: OsWireAddress['OS-EXT-IPS:type']): boolean {
  if (type === 'floating') return true;
  const name = network.toLowerCase();
  // Without the OS-EXT-IPS extension (older clouds) the network's name says it.
  if (type === undefined && PUBLIC_NETWORKS.has(name)) return true;
  if (type === undefined && name === 'private') return false;
  const ip = parseIp(addr);
  return ip !== null && classifyIp(ip) === 'public';
}

/** Floating addresses are public; fixed ones are public when routable (a provider network). */
export function splitAddresses(addresses: OsWireServer['addresses']): {
  publicIps: string[];
  privateIps: string[];
} {
  const publicIps: string[] = [];
  const privateIps: string[] = [];
  for (const [network, list] of Object.entries(addresses ?? {})) {
    for (const a of Array.isArray(list) ? list : []) {
      if (typeof a?.addr !== 'string') continue;
      (isPublic(network, a.addr, a['OS-EXT-IPS:type']) ? publicIps : privateIps).push(a.addr);
    }
  }
  return { publicIps: [...new Set(publicIps)], privateIps: [...new Set(privateIps)] };
}

const str = (v: string | number | undefined | null) => (v === undefined || v === null ? null : String(v));

/**
 * `flavorIds` resolves a 2.47 flavor (which names itself, not its id) to the id sizes are known
 * by; a flavor deleted since keeps its name.
 */
export function toMachine(
  s: OsWireServer,
  flavorIds: ReadonlyMap<string, string> = new Map(),
): RemoteMachine {
  const rawState = s.status ?? 'UNKNOWN';
  const task = s['OS-EXT-STS:task_state'] ?? null;
  const flavor = s.flavor ?? null;
  const size =
    str(flavor?.id) ??
    (flavor?.original_name ? (flavorIds.get(flavor.original_name) ?? flavor.original_name) : null);
  const image = s.image && typeof s.image === 'object' ? str(s.image.id) : null;
  return {
    externalId: String(s.id),
    name: s.name ?? String(s.id),
    state: stateOf(rawState, task),
    rawState,
    size,
    image,
    location: s['OS-EXT-AZ:availability_zone'] || null,
    ...splitAddresses(s.addresses),
    createdAt: parseDate(s.created),
    tags: { ...(s.metadata ?? {}) },
    extra: {
      taskState: task,
      vmState: s['OS-EXT-STS:vm_state'] ?? null,
      powerState: s['OS-EXT-STS:power_state'] ?? null,
      progress: s.progress ?? null,
      keyName: s.key_name ?? null,
      projectId: s.tenant_id ?? null,
      userId: s.user_id ?? null,
      hostId: s.hostId || null,
      flavorName: flavor?.original_name ?? null,
      vcpus: flavor?.vcpus ?? null,
      ramMb: flavor?.ram ?? null,
      diskGb: flavor?.disk ?? null,
      bootFromVolume: s.image === '',
      volumeIds: (s['os-extended-volumes:volumes_attached'] ?? [])
        .map((v) => v.id)
        .filter((v): v is string => !!v),
      fault: s.fault?.message ?? null,
      networks: Object.keys(s.addresses ?? {}),
    },
  };
}

const VOLUME_STATES: Record<string, VolumeState> = {
  available: 'available',
  'in-use': 'in-use',
  creating: 'creating',
  downloading: 'creating',
  deleting: 'deleting',
  error: 'error',
  error_deleting: 'error',
  error_restoring: 'error',
  error_extending: 'error',
  error_managing: 'error',
  // Passing states of an attached or detaching volume.
  attaching: 'in-use',
  detaching: 'in-use',
  reserved: 'available',
};

export function toVolume(v: OsWireVolume): RemoteVolume {
  const rawState = v.status ?? '';
  const attachedTo = (v.attachments ?? [])
    .map((a) => a?.server_id)
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return {
    externalId: v.id,
    name: v.name || v.id,
    sizeGb: v.size ?? 0,
    state: VOLUME_STATES[rawState] ?? 'unknown',
    rawState,
    location: v.availability_zone || null,
    attachedTo: [...new Set(attachedTo)],
    createdAt: parseDate(v.created_at),
    tags: { ...(v.metadata ?? {}) },
    extra: {
      volumeType: v.volume_type ?? null,
      bootable: v.bootable === 'true',
      description: v.description || null,
      snapshotId: v.snapshot_id ?? null,
      devices: (v.attachments ?? []).map((a) => a?.device).filter((d): d is string => !!d),
    },
  };
}

export function toSize(f: OsWireFlavor): RemoteSize {
  const swap = typeof f.swap === 'number' ? f.swap : 0;
  return {
    externalId: String(f.id),
    name: f.name ?? String(f.id),
    cpus: f.vcpus ?? null,
    memoryMb: f.ram ?? null,
    diskGb: f.disk ?? null,
    locations: [],
    extra: {
      ephemeralGb: f['OS-FLV-EXT-DATA:ephemeral'] ?? null,
      swapMb: swap,
      disabled: f['OS-FLV-DISABLED:disabled'] ?? false,
      isPublic: f['os-flavor-access:is_public'] ?? null,
      description: f.description ?? null,
    },
  };
}

export function toImage(i: OsWireImage): RemoteImage {
  return {
    externalId: i.id,
    name: i.name || i.id,
    os: i.os_distro ?? i.os_type ?? null,
    isPublic: i.visibility === 'public' || i.visibility === 'community',
    extra: {
      status: i.status ?? null,
      visibility: i.visibility ?? null,
      minDiskGb: i.min_disk ?? null,
      minRamMb: i.min_ram ?? null,
      sizeBytes: i.size ?? null,
      diskFormat: i.disk_format ?? null,
      owner: i.owner ?? null,
      createdAt: i.created_at ?? null,
    },
  };
}

export function toLocation(z: OsWireZone, region: string): RemoteLocation {
  const name = z.zoneName ?? '';
  return {
    externalId: name,
    name: region ? `${name} (${region})` : name,
    country: null,
    extra: { region: region || null, available: z.zoneState?.available ?? null },
  };
}
