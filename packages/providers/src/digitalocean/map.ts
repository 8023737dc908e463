import type {
  MachineState,
  Money,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
} from '@overcast/contracts';
import { fromDigitalOceanTags } from './tags';
import type {
  DoWireDroplet,
  DoWireImage,
  DoWireNetwork,
  DoWireRegion,
  DoWireSize,
  DoWireVolume,
} from './wire';

const STATES: Record<string, MachineState> = {
  new: 'pending',
  active: 'running',
  off: 'stopped',
  archive: 'terminated',
};

/** DigitalOcean data centres by slug prefix (nyc3 -> nyc). */
const COUNTRIES: Record<string, string> = {
  nyc: 'US',
  sfo: 'US',
  atl: 'US',
  ams: 'NL',
  sgp: 'SG',
  lon: 'GB',
  fra: 'DE',
  tor: 'CA',
  blr: 'IN',
  syd: 'AU',
};

// A listing prices thousands of droplets from a handful of sizes: each price is formatted once,
// and its (frozen) Money shared. Bounded, so an account of odd prices cannot grow it for ever.
const PRICES_KEPT = 1_024;
const prices = new Map<number, Money>();

/** Prices as decimal strings with at least four places, never rounding away DigitalOcean's digits. */
export function usd(value: number | undefined | null): Money | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  let money = prices.get(value);
  if (!money) {
    const [whole, fraction = ''] = value.toFixed(10).replace(/0+$/, '').split('.');
    money = Object.freeze({ amount: `${whole}.${fraction.padEnd(4, '0')}`, currency: 'USD' });
    if (prices.size < PRICES_KEPT) prices.set(value, money);
  }
  return money;
}

export function parseDate(value: string | undefined | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The addresses of one type (public, private), IPv4 first. */
function addresses(v4: DoWireNetwork[] | undefined, v6: DoWireNetwork[] | undefined, type: string): string[] {
  const out: string[] = [];
  for (const nets of [v4, v6]) {
    for (const n of nets ?? []) if (n.type === type && n.ip_address) out.push(n.ip_address);
  }
  return out;
}

/** The handle createMachine accepts for an image: its slug, or its numeric id for snapshots. */
export const imageRef = (image: DoWireImage | null | undefined): string | null =>
  image?.slug ? image.slug : typeof image?.id === 'number' ? String(image.id) : null;

export function toMachine(d: DoWireDroplet): RemoteMachine {
  const rawState = d.status ?? 'unknown';
  const v4 = d.networks?.v4;
  const v6 = d.networks?.v6;
  return {
    externalId: String(d.id),
    name: d.name ?? String(d.id),
    state: STATES[rawState] ?? 'unknown',
    rawState,
    size: d.size_slug ?? d.size?.slug ?? null,
    image: imageRef(d.image),
    location: d.region?.slug ?? null,
    publicIps: addresses(v4, v6, 'public'),
    privateIps: addresses(v4, v6, 'private'),
    createdAt: parseDate(d.created_at),
    tags: fromDigitalOceanTags(d.tags),
    costMonthly: usd(d.size?.price_monthly),
    costHourly: usd(d.size?.price_hourly),
    extra: {
      id: d.id,
      vcpus: d.vcpus ?? null,
      memoryMb: d.memory ?? null,
      diskGb: d.disk ?? null,
      locked: d.locked ?? false,
      features: d.features ?? [],
      kernel: d.kernel ?? null,
      imageId: d.image?.id ?? null,
      imageName: d.image?.name ?? null,
      imageDistribution: d.image?.distribution ?? null,
      regionName: d.region?.name ?? null,
      volumeIds: d.volume_ids ?? [],
      backupIds: d.backup_ids ?? [],
      snapshotIds: d.snapshot_ids ?? [],
      nextBackupWindow: d.next_backup_window ?? null,
      vpcUuid: d.vpc_uuid ?? null,
    },
  };
}

export function toVolume(v: DoWireVolume): RemoteVolume {
  const attachedTo = (v.droplet_ids ?? []).map(String);
  return {
    externalId: v.id,
    name: v.name ?? v.id,
    sizeGb: v.size_gigabytes ?? 0,
    // DigitalOcean volumes have no status of their own; attachment is the state that matters.
    state: attachedTo.length > 0 ? 'in-use' : 'available',
    rawState: '',
    location: v.region?.slug ?? null,
    attachedTo,
    createdAt: parseDate(v.created_at),
    tags: fromDigitalOceanTags(v.tags),
    extra: {
      description: v.description ?? '',
      filesystemType: v.filesystem_type ?? null,
      filesystemLabel: v.filesystem_label ?? null,
      regionName: v.region?.name ?? null,
    },
  };
}

export function toSize(s: DoWireSize): RemoteSize {
  const slug = s.slug ?? '';
  return {
    externalId: slug,
    name: s.description ? `${slug} (${s.description})` : slug,
    cpus: s.vcpus ?? null,
    memoryMb: s.memory ?? null,
    diskGb: s.disk ?? null,
    priceHourly: usd(s.price_hourly),
    priceMonthly: usd(s.price_monthly),
    locations: s.regions ?? [],
    extra: {
      transferTb: s.transfer ?? null,
      available: s.available ?? true,
      description: s.description ?? null,
    },
  };
}

export function toImage(i: DoWireImage): RemoteImage {
  return {
    externalId: imageRef(i) ?? '',
    name: [i.distribution, i.name].filter(Boolean).join(' '),
    os: i.distribution ?? null,
    isPublic: i.public ?? false,
    extra: {
      id: i.id ?? null,
      slug: i.slug ?? null,
      type: i.type ?? null,
      regions: i.regions ?? [],
      minDiskSizeGb: i.min_disk_size ?? null,
      sizeGb: i.size_gigabytes ?? null,
      createdAt: i.created_at ?? null,
      description: i.description ?? null,
      status: i.status ?? null,
    },
  };
}

export function toLocation(r: DoWireRegion): RemoteLocation {
  const slug = r.slug ?? '';
  return {
    externalId: slug,
    name: r.name ?? slug,
    country: COUNTRIES[slug.replace(/\d+$/, '')] ?? null,
    extra: { available: r.available ?? false, features: r.features ?? [], sizes: r.sizes ?? [] },
  };
}
