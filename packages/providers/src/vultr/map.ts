// Vultr API v2 objects as they arrive, and their mapping to our model. Vultr prices an instance
// by its plan, so machines are priced from the plan list when listed.

import type {
  MachineState,
  Money,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
} from '@overcast/contracts';
import { decimal, parseDate } from '../common/json-api';
import { fromDigitalOceanTags } from '../digitalocean/tags';

export interface VultrWirePlan {
  id: string;
  vcpu_count?: number;
  ram?: number;
  disk?: number;
  disk_count?: number;
  bandwidth?: number;
  monthly_cost?: number;
  hourly_cost?: number;
  type?: string;
  locations?: string[];
}

export interface VultrWireInstance {
  id: string;
  label?: string;
  hostname?: string;
  os?: string;
  os_id?: number;
  app_id?: number;
  image_id?: string;
  ram?: number;
  disk?: number;
  vcpu_count?: number;
  main_ip?: string;
  v6_main_ip?: string;
  internal_ip?: string;
  region?: string;
  plan?: string;
  date_created?: string;
  status?: string;
  power_status?: string;
  server_status?: string;
  allowed_bandwidth?: number;
  /** Older answers carry one `tag`, newer ones `tags`. */
  tag?: string;
  tags?: string[];
  features?: string[];
  firewall_group_id?: string;
}

export interface VultrWireBlock {
  id: string;
  label?: string;
  size_gb?: number;
  status?: string;
  region?: string;
  attached_to_instance?: string;
  date_created?: string;
  cost?: number;
  mount_id?: string;
  block_type?: string;
}

export interface VultrWireOs {
  id: number;
  name?: string;
  arch?: string;
  family?: string;
}

export interface VultrWireRegion {
  id: string;
  city?: string;
  country?: string;
  continent?: string;
  options?: string[];
}

export interface VultrWirePage {
  meta?: { total?: number; links?: { next?: string; prev?: string } };
}

const usd = (value: number | null | undefined): Money | undefined => decimal(value, 'USD');

/** An address Vultr has not assigned yet reads as 0.0.0.0 (or "::"); it is no address. */
const assigned = (ip: string | undefined): ip is string => !!ip && ip !== '0.0.0.0' && ip !== '::';

/**
 * Vultr describes an instance with three words: `status` (pending, active, suspended, resizing),
 * `power_status` (running, stopped) and `server_status` (none, locked, installingbooting, ok).
 * The raw state is the one that tells: the power status of an active instance, else its status.
 */
function stateOf(i: VultrWireInstance): { state: MachineState; rawState: string } {
  const status = i.status ?? 'unknown';
  if (status !== 'active') {
    const state: MachineState =
      status === 'pending' || status === 'resizing'
        ? 'pending'
        : status === 'suspended'
          ? 'stopped'
          : 'unknown';
    return { state, rawState: status };
  }
  if (i.power_status === 'stopped') return { state: 'stopped', rawState: 'stopped' };
  if (i.power_status !== 'running') return { state: 'unknown', rawState: i.power_status ?? 'unknown' };
  return i.server_status === 'installingbooting'
    ? { state: 'pending', rawState: 'installingbooting' }
    : { state: 'running', rawState: 'running' };
}

export function toMachine(i: VultrWireInstance, plan?: VultrWirePlan): RemoteMachine {
  return {
    externalId: i.id,
    name: i.label || i.hostname || i.id,
    ...stateOf(i),
    size: i.plan ?? null,
    image: typeof i.os_id === 'number' ? String(i.os_id) : null,
    location: i.region ?? null,
    publicIps: [i.main_ip, i.v6_main_ip].filter(assigned),
    privateIps: [i.internal_ip].filter(assigned),
    createdAt: parseDate(i.date_created),
    tags: fromDigitalOceanTags(i.tags ?? (i.tag ? [i.tag] : [])),
    costMonthly: usd(plan?.monthly_cost),
    costHourly: usd(plan?.hourly_cost),
    extra: {
      status: i.status ?? null,
      powerStatus: i.power_status ?? null,
      serverStatus: i.server_status ?? null,
      os: i.os ?? null,
      hostname: i.hostname ?? null,
      vcpus: i.vcpu_count ?? null,
      memoryMb: i.ram ?? null,
      diskGb: i.disk ?? null,
      bandwidthGb: i.allowed_bandwidth ?? null,
      appId: i.app_id ?? null,
      imageId: i.image_id || null,
      features: i.features ?? [],
      firewallGroupId: i.firewall_group_id || null,
    },
  };
}

export function toVolume(b: VultrWireBlock): RemoteVolume {
  const rawState = b.status ?? '';
  const attachedTo = b.attached_to_instance ? [b.attached_to_instance] : [];
  return {
    externalId: b.id,
    name: b.label || b.id,
    sizeGb: b.size_gb ?? 0,
    state:
      rawState === 'pending'
        ? 'creating'
        : rawState === 'active'
          ? attachedTo.length > 0
            ? 'in-use'
            : 'available'
          : 'unknown',
    rawState,
    location: b.region ?? null,
    attachedTo,
    createdAt: parseDate(b.date_created),
    tags: {},
    costMonthly: usd(b.cost),
    extra: { mountId: b.mount_id ?? null, blockType: b.block_type ?? null },
  };
}

export function toSize(p: VultrWirePlan): RemoteSize {
  return {
    externalId: p.id,
    name: p.id,
    cpus: p.vcpu_count ?? null,
    memoryMb: p.ram ?? null,
    diskGb: typeof p.disk === 'number' ? p.disk * (p.disk_count ?? 1) : null,
    priceHourly: usd(p.hourly_cost),
    priceMonthly: usd(p.monthly_cost),
    locations: p.locations ?? [],
    extra: { type: p.type ?? null, bandwidthGb: p.bandwidth ?? null, diskCount: p.disk_count ?? null },
  };
}

export function toImage(o: VultrWireOs): RemoteImage {
  return {
    externalId: String(o.id),
    name: o.name ?? String(o.id),
    os: o.family ?? null,
    isPublic: true,
    extra: { arch: o.arch ?? null },
  };
}

export function toLocation(r: VultrWireRegion): RemoteLocation {
  return {
    externalId: r.id,
    name: r.city ?? r.id,
    country: r.country ?? null,
    extra: { continent: r.continent ?? null, options: r.options ?? [] },
  };
}
