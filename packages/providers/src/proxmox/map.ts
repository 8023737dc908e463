// Proxmox VE objects as the API gives them, and their mapping to our model: guests (QEMU VMs
// and LXC containers) as machines, their disks as volumes, templates as images, nodes as
// locations.

import type {
  MachineState,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
} from '@overcast/contracts';
import { classifyIp, parseIp } from '@overcast/contracts/addresses';
import { type SizePreset, sizeId } from './config';

export type GuestType = 'qemu' | 'lxc';

/** One row of `/cluster/resources?type=vm`. */
export interface PveResource {
  id?: string;
  type: GuestType;
  vmid: number;
  node: string;
  name?: string;
  status?: string;
  template?: number;
  maxcpu?: number;
  /** Bytes. */
  maxmem?: number;
  maxdisk?: number;
  uptime?: number;
  tags?: string;
  pool?: string;
  hastate?: string;
  lock?: string;
}

export interface PveNode {
  node: string;
  status?: string;
  maxcpu?: number;
  maxmem?: number;
}

/** `agent/network-get-interfaces` answers `{ result: [...] }`; LXC `interfaces` a plain list. */
export interface PveInterface {
  name?: string;
  'hardware-address'?: string;
  hwaddr?: string;
  'ip-addresses'?: Array<{ 'ip-address'?: string }>;
  inet?: string;
  inet6?: string;
}

const STATES: Record<string, MachineState> = {
  running: 'running',
  stopped: 'stopped',
  paused: 'stopped',
  suspended: 'stopped',
};

/** Locks held while a guest is being made or copied: it is not there yet. */
const MAKING = new Set(['create', 'clone']);

export function tagsOf(raw: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of (raw ?? '').split(/[;, ]+/)) if (t) tags[t] = '';
  return tags;
}

/**
 * Addresses from the guest's own interfaces. `lo` is skipped by name; link-local addresses
 * are no way in; RFC 1918 and ULA ones are private, the rest public.
 */
export function addressesOf(interfaces: PveInterface[]): { publicIps: string[]; privateIps: string[] } {
  const publicIps: string[] = [];
  const privateIps: string[] = [];
  for (const i of interfaces) {
    if (i.name === 'lo') continue;
    const raw = [...(i['ip-addresses'] ?? []).map((a) => a['ip-address']), i.inet, i.inet6].filter(
      (a): a is string => typeof a === 'string' && a !== '',
    );
    for (const text of raw) {
      const address = text.replace(/\/\d+$/, '');
      const ip = parseIp(address);
      if (!ip) continue;
      const kind = classifyIp(ip);
      if (kind === 'link-local' || kind === 'unspecified' || kind === 'multicast') continue;
      const list = kind === 'private' ? privateIps : publicIps;
      if (!list.includes(address)) list.push(address);
    }
  }
  return { publicIps, privateIps };
}

const MIB = 1024 * 1024;

export function toMachine(
  r: PveResource,
  addresses = { publicIps: [] as string[], privateIps: [] as string[] },
): RemoteMachine {
  const rawState = r.lock && MAKING.has(r.lock) ? `locked (${r.lock})` : (r.status ?? 'unknown');
  const memoryMb = typeof r.maxmem === 'number' ? Math.round(r.maxmem / MIB) : null;
  return {
    externalId: String(r.vmid),
    name: r.name ?? `${r.type === 'lxc' ? 'CT' : 'VM'} ${r.vmid}`,
    state: r.lock && MAKING.has(r.lock) ? 'pending' : (STATES[r.status ?? ''] ?? 'unknown'),
    rawState,
    size: typeof r.maxcpu === 'number' && memoryMb !== null ? sizeId(r.maxcpu, memoryMb) : null,
    image: null,
    location: r.node,
    publicIps: addresses.publicIps,
    privateIps: addresses.privateIps,
    createdAt: null,
    tags: tagsOf(r.tags),
    extra: {
      vmid: r.vmid,
      type: r.type,
      node: r.node,
      cores: r.maxcpu ?? null,
      memoryMb,
      diskGb: typeof r.maxdisk === 'number' ? Math.round(r.maxdisk / 1024 / MIB) : null,
      uptimeSeconds: r.uptime ?? null,
      pool: r.pool ?? null,
      haState: r.hastate ?? null,
      lock: r.lock ?? null,
    },
  };
}

/** A disk line of a guest's config: `local-lvm:vm-100-disk-0,size=32G,iothread=1`. */
export interface PveDisk {
  key: string;
  volid: string;
  storage: string;
  sizeGb: number | null;
  options: Record<string, string>;
}

/** Keys whose values are user-visible disks (EFI vars and TPM state are not). */
const DISK_KEY = /^(scsi|virtio|sata|ide|mp|unused)\d+$|^rootfs$/;

function bytesOf(size: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(size ?? '');
  if (!m) return null;
  const power = { '': 0, K: 1, M: 2, G: 3, T: 4 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * 1024 ** power;
}

export function disksOf(config: Record<string, unknown>): PveDisk[] {
  const disks: PveDisk[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!DISK_KEY.test(key) || typeof value !== 'string') continue;
    const [volid = '', ...rest] = value.split(',');
    const options = Object.fromEntries(
      rest.map((p) => {
        const at = p.indexOf('=');
        return at < 0 ? [p, ''] : [p.slice(0, at), p.slice(at + 1)];
      }),
    );
    // CD drives, empty drives and bind mounts (a host path) are not volumes.
    if (options.media === 'cdrom' || volid === 'none' || !/^[^/:]+:[^:]/.test(volid)) continue;
    const bytes = bytesOf(options.size);
    disks.push({
      key,
      volid,
      storage: volid.slice(0, volid.indexOf(':')),
      sizeGb: bytes === null ? null : Math.max(1, Math.round(bytes / 1024 ** 3)),
      options,
    });
  }
  return disks;
}

export function toVolume(guest: PveResource, disk: PveDisk, sizeGb: number | null): RemoteVolume {
  const attached = !disk.key.startsWith('unused');
  return {
    externalId: disk.volid,
    name: disk.volid.slice(disk.volid.indexOf(':') + 1),
    sizeGb: sizeGb ?? disk.sizeGb ?? 0,
    state: attached ? 'in-use' : 'available',
    rawState: disk.key,
    location: guest.node,
    attachedTo: attached ? [String(guest.vmid)] : [],
    createdAt: null,
    tags: {},
    extra: {
      storage: disk.storage,
      owner: guest.vmid,
      ownerType: guest.type,
      slot: disk.key,
      mountPoint: disk.options.mp ?? null,
      options: disk.options,
    },
  };
}

export function toSize(s: SizePreset): RemoteSize {
  return {
    externalId: s.id,
    name: s.name,
    cpus: s.cores,
    memoryMb: s.memoryMb,
    diskGb: null,
    locations: [],
    extra: {},
  };
}

const OS = /(ubuntu|debian|fedora|centos|rocky|alma|rhel|alpine|arch|opensuse|suse|windows|freebsd|nixos)/i;

export function toImage(r: PveResource): RemoteImage {
  const name = r.name ?? `template ${r.vmid}`;
  return {
    externalId: String(r.vmid),
    name,
    os: OS.exec(name)?.[1]?.toLowerCase() ?? null,
    isPublic: false,
    extra: { vmid: r.vmid, type: r.type, node: r.node },
  };
}

export function toLocation(n: PveNode): RemoteLocation {
  return {
    externalId: n.node,
    name: n.node,
    country: null,
    extra: {
      status: n.status ?? null,
      cores: n.maxcpu ?? null,
      memoryMb: n.maxmem ? Math.round(n.maxmem / MIB) : null,
    },
  };
}
