// Hetzner Cloud API v1 objects as they arrive, and their mapping to our model. Prices are the
// net ones (without VAT, which depends on the customer), in EUR, per location.

import type {
  MachineState,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
  VolumeState,
} from '@overcast/contracts';
import { decimal, parseDate } from '../common/json-api';

export interface HzWirePrice {
  location?: string;
  price_hourly?: { net?: string; gross?: string };
  price_monthly?: { net?: string; gross?: string };
}

export interface HzWireServerType {
  id?: number;
  name?: string;
  description?: string;
  cores?: number;
  memory?: number;
  disk?: number;
  deprecated?: boolean | null;
  prices?: HzWirePrice[];
  cpu_type?: string;
  architecture?: string;
}

export interface HzWireLocation {
  id?: number;
  name?: string;
  description?: string;
  country?: string;
  city?: string;
  network_zone?: string;
}

export interface HzWireImage {
  id?: number;
  type?: string;
  status?: string;
  name?: string | null;
  description?: string;
  os_flavor?: string;
  os_version?: string | null;
  architecture?: string;
  disk_size?: number;
  deprecated?: string | null;
  /** Snapshots: what it holds in GB (null while it is taken), when, and of which server. */
  image_size?: number | null;
  created?: string;
  created_from?: { id?: number; name?: string } | null;
}

export interface HzWireServer {
  id: number;
  name?: string;
  status?: string;
  created?: string;
  public_net?: { ipv4?: { ip?: string } | null; ipv6?: { ip?: string } | null };
  private_net?: Array<{ ip?: string }>;
  server_type?: HzWireServerType | null;
  datacenter?: { name?: string; location?: HzWireLocation | null } | null;
  image?: HzWireImage | null;
  labels?: Record<string, string> | null;
  volumes?: number[];
  locked?: boolean;
  protection?: { delete?: boolean; rebuild?: boolean };
  primary_disk_size?: number;
  backup_window?: string | null;
}

export interface HzWireVolume {
  id: number;
  name?: string;
  size?: number;
  server?: number | null;
  status?: string;
  created?: string;
  location?: HzWireLocation | null;
  labels?: Record<string, string> | null;
  linux_device?: string;
  format?: string | null;
}

export interface HzWireAction {
  id?: number;
  command?: string;
  status?: 'running' | 'success' | 'error';
  error?: { code?: string; message?: string } | null;
}

export interface HzWirePage {
  meta?: { pagination?: { next_page?: number | null; total_entries?: number } };
}

const STATES: Record<string, MachineState> = {
  initializing: 'pending',
  starting: 'pending',
  migrating: 'pending',
  rebuilding: 'pending',
  running: 'running',
  // As for EC2: a server on its way down counts as where it is going.
  stopping: 'stopped',
  off: 'stopped',
  deleting: 'terminated',
};

const VOLUME_STATES: Record<string, VolumeState> = { creating: 'creating', available: 'available' };

/** Servers are created from an image's name when it has one (system images), else its id. */
const imageRef = (i: HzWireImage | null | undefined): string | null =>
  i?.name ? i.name : typeof i?.id === 'number' ? String(i.id) : null;

const eur = (value: string | undefined) => decimal(value, 'EUR');

export function toMachine(s: HzWireServer): RemoteMachine {
  const rawState = s.status ?? 'unknown';
  const location = s.datacenter?.location?.name ?? null;
  const price = s.server_type?.prices?.find((p) => p.location === location);
  const ipv6 = s.public_net?.ipv6?.ip;
  return {
    externalId: String(s.id),
    name: s.name ?? String(s.id),
    state: STATES[rawState] ?? 'unknown',
    rawState,
    size: s.server_type?.name ?? null,
    image: imageRef(s.image),
    location,
    publicIps: [s.public_net?.ipv4?.ip, ipv6?.replace(/\/\d+$/, '')].filter((ip): ip is string => !!ip),
    privateIps: (s.private_net ?? []).map((n) => n.ip).filter((ip): ip is string => !!ip),
    createdAt: parseDate(s.created),
    tags: { ...(s.labels ?? {}) },
    costMonthly: eur(price?.price_monthly?.net),
    costHourly: eur(price?.price_hourly?.net),
    extra: {
      id: s.id,
      cores: s.server_type?.cores ?? null,
      memoryGb: s.server_type?.memory ?? null,
      diskGb: s.primary_disk_size ?? s.server_type?.disk ?? null,
      datacenter: s.datacenter?.name ?? null,
      imageDescription: s.image?.description ?? null,
      osFlavor: s.image?.os_flavor ?? null,
      ipv6Network: ipv6 ?? null,
      volumeIds: s.volumes ?? [],
      locked: s.locked ?? false,
      protection: s.protection ?? null,
      backupWindow: s.backup_window ?? null,
    },
  };
}

export function toVolume(v: HzWireVolume): RemoteVolume {
  const rawState = v.status ?? '';
  const attachedTo = typeof v.server === 'number' ? [String(v.server)] : [];
  return {
    externalId: String(v.id),
    name: v.name ?? String(v.id),
    sizeGb: v.size ?? 0,
    state:
      rawState === 'available' && attachedTo.length > 0 ? 'in-use' : (VOLUME_STATES[rawState] ?? 'unknown'),
    rawState,
    location: v.location?.name ?? null,
    attachedTo,
    createdAt: parseDate(v.created),
    tags: { ...(v.labels ?? {}) },
    extra: { linuxDevice: v.linux_device ?? null, format: v.format ?? null },
  };
}

/** A size's headline price is its cheapest location's; every location's is kept in `extra`. */
export function toSize(t: HzWireServerType): RemoteSize {
  const prices = t.prices ?? [];
  const cheapest = [...prices].sort(
    (a, b) => Number(a.price_hourly?.net ?? Infinity) - Number(b.price_hourly?.net ?? Infinity),
  )[0];
  return {
    externalId: t.name ?? String(t.id),
    name: t.description && t.description !== t.name ? `${t.name} (${t.description})` : (t.name ?? ''),
    cpus: t.cores ?? null,
    memoryMb: typeof t.memory === 'number' ? Math.round(t.memory * 1024) : null,
    diskGb: t.disk ?? null,
    priceHourly: eur(cheapest?.price_hourly?.net),
    priceMonthly: eur(cheapest?.price_monthly?.net),
    locations: prices.map((p) => p.location).filter((l): l is string => !!l),
    extra: {
      id: t.id ?? null,
      cpuType: t.cpu_type ?? null,
      architecture: t.architecture ?? null,
      deprecated: t.deprecated ?? false,
      prices: prices.map((p) => ({
        location: p.location ?? null,
        hourly: eur(p.price_hourly?.net) ?? null,
        monthly: eur(p.price_monthly?.net) ?? null,
      })),
    },
  };
}

export function toImage(i: HzWireImage): RemoteImage {
  return {
    externalId: imageRef(i) ?? '',
    name: i.description || i.name || String(i.id),
    os: i.os_flavor ?? null,
    isPublic: i.type === 'system' || i.type === 'app',
    extra: {
      id: i.id ?? null,
      type: i.type ?? null,
      status: i.status ?? null,
      osVersion: i.os_version ?? null,
      architecture: i.architecture ?? null,
      diskSizeGb: i.disk_size ?? null,
      deprecated: i.deprecated ?? null,
    },
  };
}

export function toLocation(l: HzWireLocation): RemoteLocation {
  return {
    externalId: l.name ?? String(l.id),
    name: l.description ?? l.name ?? '',
    country: l.country ?? null,
    extra: { id: l.id ?? null, city: l.city ?? null, networkZone: l.network_zone ?? null },
  };
}
