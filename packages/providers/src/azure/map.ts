import type {
  Disk,
  VirtualMachine,
  VirtualMachineInstanceView,
  VirtualMachineSize,
} from '@azure/arm-compute';
import type { Location } from '@azure/arm-resources-subscriptions';
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
import { azureModule } from './module';
import { diskTier, type RegionPrices } from './prices';

/** What a VM's network interfaces give it, by NIC id (lower case). */
export interface NicAddresses {
  privateIps: string[];
  publicIps: string[];
}

/**
 * The instance view's PowerState/* in the unified vocabulary. `stopped` (still billed) and
 * `deallocated` (not billed) are both "stopped" here and kept apart in rawState and in cost.
 */
const POWER: Record<string, MachineState> = {
  running: 'running',
  starting: 'pending',
  stopping: 'stopped',
  stopped: 'stopped',
  deallocating: 'stopped',
  deallocated: 'stopped',
};

/** Power states whose compute Azure does not bill. */
const NOT_BILLED = new Set<string>(azureModule.unbilledStates);

export function powerOf(view: VirtualMachineInstanceView | undefined): string | null {
  const code = view?.statuses?.find((s) => s.code?.startsWith('PowerState/'))?.code;
  return code ? code.slice('PowerState/'.length).toLowerCase() : null;
}

function stateOf(vm: VirtualMachine, power: string | null): { state: MachineState; rawState: string } {
  const provisioning = (vm.provisioningState ?? '').toLowerCase();
  if (provisioning === 'failed') return { state: 'error', rawState: power ? `failed (${power})` : 'failed' };
  if (provisioning === 'deleting') return { state: 'stopped', rawState: 'deleting' };
  if (!power)
    return {
      state: provisioning === 'creating' ? 'pending' : 'unknown',
      rawState: provisioning || 'unknown',
    };
  return { state: POWER[power] ?? 'unknown', rawState: power };
}

export function parseDate(value: Date | string | null | undefined): Date | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "publisher:offer:sku:version", the URN `az vm create --image` takes. */
export function imageUrn(vm: VirtualMachine): string | null {
  const ref = vm.storageProfile?.imageReference;
  if (!ref) return null;
  if (ref.id) return ref.id;
  if (!ref.publisher || !ref.offer || !ref.sku) return null;
  return `${ref.publisher}:${ref.offer}:${ref.sku}:${ref.exactVersion ?? ref.version ?? 'latest'}`;
}

const HOURS_PER_MONTH = 730;
const ZERO = (currency: string): Money => ({ amount: '0.0000', currency });

export function toMachine(
  vm: VirtualMachine,
  view: VirtualMachineInstanceView | undefined,
  nics: ReadonlyMap<string, NicAddresses>,
  prices: RegionPrices | null,
): RemoteMachine {
  const power = powerOf(view ?? vm.instanceView);
  const { state, rawState } = stateOf(vm, power);
  const size = vm.hardwareProfile?.vmSize ?? null;
  const addresses = (vm.networkProfile?.networkInterfaces ?? [])
    .map((n) => (n.id ? nics.get(n.id.toLowerCase()) : undefined))
    .filter((a): a is NicAddresses => !!a);
  const hourly = size ? prices?.vms.get(size) : undefined;
  // A stopped VM keeps its hardware and bills in full; a deallocated one bills only its disks,
  // which are listed (and priced) as volumes.
  const costHourly = hourly ? (power && NOT_BILLED.has(power) ? ZERO(hourly.currency) : hourly) : undefined;
  const storage = vm.storageProfile;
  return {
    externalId: vm.id ?? '',
    name: vm.name ?? '',
    state,
    rawState,
    size,
    image: imageUrn(vm),
    location: vm.location ?? null,
    publicIps: addresses.flatMap((a) => a.publicIps),
    privateIps: addresses.flatMap((a) => a.privateIps),
    createdAt: parseDate(vm.timeCreated),
    tags: { ...(vm.tags ?? {}) },
    ...(costHourly
      ? {
          costHourly,
          costMonthly: {
            amount: (Number(costHourly.amount) * HOURS_PER_MONTH).toFixed(4),
            currency: costHourly.currency,
          },
        }
      : {}),
    extra: {
      vmId: vm.vmId ?? null,
      resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(vm.id ?? '')?.[1] ?? null,
      subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(vm.id ?? '')?.[1] ?? null,
      powerState: power,
      provisioningState: vm.provisioningState ?? null,
      osType: storage?.osDisk?.osType ?? null,
      osDisk: storage?.osDisk?.managedDisk?.id ?? storage?.osDisk?.name ?? null,
      dataDisks: (storage?.dataDisks ?? []).map((d) => ({
        lun: d.lun,
        disk: d.managedDisk?.id ?? d.name ?? null,
      })),
      networkInterfaces: (vm.networkProfile?.networkInterfaces ?? []).map((n) => n.id ?? null),
      adminUsername: vm.osProfile?.adminUsername ?? null,
      zones: vm.zones ?? [],
      priority: vm.priority ?? null,
    },
  };
}

function volumeState(d: Disk): VolumeState {
  const provisioning = (d.provisioningState ?? '').toLowerCase();
  // 'Updating' (a resize, a tag change) leaves the disk where it was: its diskState says.
  if (provisioning === 'creating') return 'creating';
  if (provisioning === 'deleting') return 'deleting';
  if (provisioning === 'failed') return 'error';
  switch (d.diskState) {
    case 'Unattached':
      return 'available';
    case 'Attached':
    case 'Reserved':
    case 'ActiveSAS':
    case 'ActiveSASFrozen':
    case 'Frozen':
      return 'in-use';
    case 'ReadyToUpload':
    case 'ActiveUpload':
      return 'creating';
    default:
      return d.managedBy ? 'in-use' : 'unknown';
  }
}

export function toVolume(d: Disk, prices: RegionPrices | null): RemoteVolume {
  const sizeGb = d.diskSizeGB ?? Math.ceil((d.diskSizeBytes ?? 0) / 1024 ** 3);
  const tier = d.tier ? `${d.tier} LRS` : diskTier(d.sku?.name, sizeGb);
  const monthly = tier ? prices?.disks.get(tier) : undefined;
  return {
    externalId: d.id ?? '',
    name: d.name ?? '',
    sizeGb,
    state: volumeState(d),
    rawState: d.diskState ?? d.provisioningState ?? '',
    location: d.location ?? null,
    attachedTo: [d.managedBy, ...(d.managedByExtended ?? [])].filter((id): id is string => !!id),
    createdAt: parseDate(d.timeCreated),
    tags: { ...(d.tags ?? {}) },
    ...(monthly ? { costMonthly: monthly } : {}),
    extra: {
      sku: d.sku?.name ?? null,
      tier,
      osType: d.osType ?? null,
      createOption: d.creationData?.createOption ?? null,
      uniqueId: d.uniqueId ?? null,
      zones: d.zones ?? [],
    },
  };
}

export function toSize(
  size: VirtualMachineSize,
  locations: string[],
  prices: Map<string, Money>,
): RemoteSize {
  const name = size.name ?? '';
  const hourly = prices.get(name);
  return {
    externalId: name,
    name,
    cpus: size.numberOfCores ?? null,
    memoryMb: size.memoryInMB ?? null,
    // The temporary (resource) disk; the OS disk is a managed disk of its own.
    diskGb: size.resourceDiskSizeInMB ? Math.round(size.resourceDiskSizeInMB / 1024) : null,
    ...(hourly
      ? {
          priceHourly: hourly,
          priceMonthly: {
            amount: (Number(hourly.amount) * HOURS_PER_MONTH).toFixed(4),
            currency: hourly.currency,
          },
        }
      : {}),
    locations,
    extra: {
      maxDataDiskCount: size.maxDataDiskCount ?? null,
      osDiskSizeInMB: size.osDiskSizeInMB ?? null,
    },
  };
}

/** Azure region -> ISO country, for the regions Microsoft runs. */
const COUNTRIES: Array<[RegExp, string]> = [
  [/^(east|west|central|north|south|westcentral)us\d?(euap)?$|^(southcentral|northcentral)us$/, 'US'],
  [/^canada/, 'CA'],
  [/^brazil/, 'BR'],
  [/^mexico/, 'MX'],
  [/^chile/, 'CL'],
  [/^northeurope$/, 'IE'],
  [/^westeurope$/, 'NL'],
  [/^uk/, 'GB'],
  [/^france/, 'FR'],
  [/^germany/, 'DE'],
  [/^switzerland/, 'CH'],
  [/^norway/, 'NO'],
  [/^sweden/, 'SE'],
  [/^poland/, 'PL'],
  [/^italy/, 'IT'],
  [/^spain/, 'ES'],
  [/^japan/, 'JP'],
  [/^korea/, 'KR'],
  [/^eastasia$/, 'HK'],
  [/^southeastasia$/, 'SG'],
  [/^australia/, 'AU'],
  [/^(central|south|west|jio)india/, 'IN'],
  [/^uae/, 'AE'],
  [/^qatar/, 'QA'],
  [/^israel/, 'IL'],
  [/^southafrica/, 'ZA'],
  [/^newzealand/, 'NZ'],
  [/^indonesia/, 'ID'],
  [/^malaysia/, 'MY'],
];

export function toLocation(l: Location): RemoteLocation {
  const name = l.name ?? '';
  const country = COUNTRIES.find(([re]) => re.test(name))?.[1] ?? null;
  return {
    externalId: name,
    name: l.displayName ?? name,
    country,
    extra: {
      regionalDisplayName: l.regionalDisplayName ?? null,
      geography: l.metadata?.geography ?? l.metadata?.geographyGroup ?? null,
      regionType: l.metadata?.regionType ?? null,
      physicalLocation: l.metadata?.physicalLocation ?? null,
    },
  };
}

const OS_HINTS: Array<[RegExp, string]> = [
  [/ubuntu/i, 'ubuntu'],
  [/debian/i, 'debian'],
  [/windows/i, 'windows'],
  [/rhel|redhat/i, 'rhel'],
  [/suse|sles/i, 'suse'],
  [/centos/i, 'centos'],
  [/alma/i, 'almalinux'],
  [/rocky/i, 'rocky'],
];

export function toImage(publisher: string, offer: string, sku: string, version: string): RemoteImage {
  const hint = `${publisher} ${offer} ${sku}`;
  return {
    externalId: `${publisher}:${offer}:${sku}:${version}`,
    name: `${offer} ${sku} (${version})`,
    os: OS_HINTS.find(([re]) => re.test(hint))?.[1] ?? null,
    isPublic: true,
    extra: { publisher, offer, sku, version },
  };
}
