// Linode API v4 objects as they arrive, and their mapping to our model. Linode prices a Linode
// by its type, so machines are priced from the type list (with its region prices) when listed.

import type {
  MachineState,
  Money,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
  VolumeState,
} from '@overcast/contracts';
import { decimal, parseDate } from '../common/json-api';
import { fromDigitalOceanTags } from '../digitalocean/tags';

export interface LinodeWirePrice {
  hourly?: number | null;
  monthly?: number | null;
}

export interface LinodeWireType {
  id: string;
  label?: string;
  class?: string;
  disk?: number;
  memory?: number;
  vcpus?: number;
  transfer?: number;
  gpus?: number;
  price?: LinodeWirePrice;
  region_prices?: Array<LinodeWirePrice & { id?: string }>;
  successor?: string | null;
}

export interface LinodeWireInstance {
  id: number;
  label?: string;
  status?: string;
  created?: string;
  updated?: string;
  type?: string | null;
  image?: string | null;
  region?: string;
  ipv4?: string[];
  ipv6?: string | null;
  tags?: string[];
  group?: string;
  hypervisor?: string;
  specs?: { disk?: number; memory?: number; vcpus?: number; transfer?: number; gpus?: number };
  backups?: { enabled?: boolean };
  watchdog_enabled?: boolean;
}

export interface LinodeWireVolume {
  id: number;
  label?: string;
  status?: string;
  size?: number;
  region?: string;
  linode_id?: number | null;
  linode_label?: string | null;
  created?: string;
  filesystem_path?: string;
  tags?: string[];
  hardware_type?: string;
}

export interface LinodeWireImage {
  id: string;
  label?: string;
  vendor?: string | null;
  is_public?: boolean;
  type?: string;
  size?: number;
  deprecated?: boolean;
  created?: string;
  description?: string | null;
  status?: string;
}

export interface LinodeWireRegion {
  id: string;
  label?: string;
  country?: string;
  status?: string;
  capabilities?: string[];
}

export interface LinodeWirePage<T> {
  data?: T[];
  page?: number;
  pages?: number;
  results?: number;
}

const STATES: Record<string, MachineState> = {
  running: 'running',
  offline: 'stopped',
  stopped: 'stopped',
  // As for EC2: a Linode on its way down counts as where it is going.
  shutting_down: 'stopped',
  booting: 'pending',
  provisioning: 'pending',
  migrating: 'pending',
  rebuilding: 'pending',
  cloning: 'pending',
  restoring: 'pending',
  resizing: 'pending',
  rebooting: 'rebooting',
  deleting: 'terminated',
  billing_suspension: 'stopped',
};

const VOLUME_STATES: Record<string, VolumeState> = {
  creating: 'creating',
  active: 'available',
  resizing: 'creating',
  contact_support: 'error',
};

/** RFC 1918: Linode lists a Linode's private addresses beside its public ones in `ipv4`. */
const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);

const usd = (value: number | null | undefined): Money | undefined => decimal(value, 'USD');

/** A type's price in a region: the region's own when Linode lists one, else the base price. */
export function priceIn(
  type: LinodeWireType | undefined,
  region: string | undefined,
): LinodeWirePrice | undefined {
  return type?.region_prices?.find((p) => p.id === region) ?? type?.price;
}

export function toMachine(l: LinodeWireInstance, type?: LinodeWireType): RemoteMachine {
  const rawState = l.status ?? 'unknown';
  const v4 = l.ipv4 ?? [];
  const v6 = l.ipv6 ? [l.ipv6.replace(/\/\d+$/, '')] : [];
  const price = priceIn(type, l.region);
  return {
    externalId: String(l.id),
    name: l.label ?? String(l.id),
    state: STATES[rawState] ?? 'unknown',
    rawState,
    size: l.type ?? null,
    image: l.image ?? null,
    location: l.region ?? null,
    publicIps: [...v4.filter((ip) => !isPrivate(ip)), ...v6],
    privateIps: v4.filter(isPrivate),
    createdAt: parseDate(l.created),
    tags: fromDigitalOceanTags(l.tags),
    costMonthly: usd(price?.monthly),
    costHourly: usd(price?.hourly),
    extra: {
      id: l.id,
      vcpus: l.specs?.vcpus ?? null,
      memoryMb: l.specs?.memory ?? null,
      diskMb: l.specs?.disk ?? null,
      transferGb: l.specs?.transfer ?? null,
      gpus: l.specs?.gpus ?? 0,
      group: l.group ?? '',
      hypervisor: l.hypervisor ?? null,
      backups: l.backups?.enabled ?? false,
      watchdog: l.watchdog_enabled ?? null,
      updatedAt: l.updated ?? null,
    },
  };
}

export function toVolume(v: LinodeWireVolume): RemoteVolume {
  const rawState = v.status ?? '';
  const attachedTo = typeof v.linode_id === 'number' ? [String(v.linode_id)] : [];
  return {
    externalId: String(v.id),
    name: v.label ?? String(v.id),
    sizeGb: v.size ?? 0,
    state: rawState === 'active' && attachedTo.length > 0 ? 'in-use' : (VOLUME_STATES[rawState] ?? 'unknown'),
    rawState,
    location: v.region ?? null,
    attachedTo,
    createdAt: parseDate(v.created),
    tags: fromDigitalOceanTags(v.tags),
    extra: {
      filesystemPath: v.filesystem_path ?? null,
      linodeLabel: v.linode_label ?? null,
      hardwareType: v.hardware_type ?? null,
    },
  };
}

export function toSize(t: LinodeWireType): RemoteSize {
  return {
    externalId: t.id,
    name: t.label ? `${t.id} (${t.label})` : t.id,
    cpus: t.vcpus ?? null,
    memoryMb: t.memory ?? null,
    diskGb: typeof t.disk === 'number' ? Math.round(t.disk / 1024) : null,
    priceHourly: usd(t.price?.hourly),
    priceMonthly: usd(t.price?.monthly),
    locations: [],
    extra: {
      class: t.class ?? null,
      transferGb: t.transfer ?? null,
      gpus: t.gpus ?? 0,
      successor: t.successor ?? null,
      regionPrices: (t.region_prices ?? []).map((p) => ({
        location: p.id ?? null,
        hourly: usd(p.hourly) ?? null,
        monthly: usd(p.monthly) ?? null,
      })),
    },
  };
}

export function toImage(i: LinodeWireImage): RemoteImage {
  return {
    externalId: i.id,
    name: i.label ?? i.id,
    os: i.vendor ?? null,
    isPublic: i.is_public ?? false,
    extra: {
      type: i.type ?? null,
      sizeMb: i.size ?? null,
      deprecated: i.deprecated ?? false,
      createdAt: i.created ?? null,
      description: i.description ?? null,
      status: i.status ?? null,
    },
  };
}

export function toLocation(r: LinodeWireRegion): RemoteLocation {
  return {
    externalId: r.id,
    name: r.label ?? r.id,
    // Linode writes countries in lower case, and the United Kingdom as "uk" (ISO 3166: GB).
    country: r.country ? (r.country === 'uk' ? 'GB' : r.country.toUpperCase()) : null,
    extra: { status: r.status ?? null, capabilities: r.capabilities ?? [] },
  };
}
