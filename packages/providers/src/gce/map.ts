import type { protos } from '@google-cloud/compute';
import type {
  MachineState,
  RemoteImage,
  RemoteLocation,
  RemoteMachine,
  RemoteSize,
  RemoteVolume,
  VolumeState,
} from '@overcast/contracts';
import { diskImage } from './disk-image';

type Instance = protos.google.cloud.compute.v1.IInstance;
type Disk = protos.google.cloud.compute.v1.IDisk;
type MachineType = protos.google.cloud.compute.v1.IMachineType;
type Zone = protos.google.cloud.compute.v1.IZone;
type Image = protos.google.cloud.compute.v1.IImage;

const STATES: Record<string, MachineState> = {
  PROVISIONING: 'pending',
  STAGING: 'pending',
  RUNNING: 'running',
  // TERMINATED is Compute Engine's word for a stopped (not deleted) instance.
  STOPPING: 'stopped',
  SUSPENDING: 'stopped',
  SUSPENDED: 'stopped',
  TERMINATED: 'stopped',
  REPAIRING: 'error',
};

/** Region prefix -> country, for the regions Google runs. */
const COUNTRIES: Array<[RegExp, string]> = [
  [/^us-/, 'US'],
  [/^northamerica-northeast/, 'CA'],
  [/^northamerica-south/, 'MX'],
  [/^southamerica-east/, 'BR'],
  [/^southamerica-west/, 'CL'],
  [/^europe-west1$/, 'BE'],
  [/^europe-west2$/, 'GB'],
  [/^europe-west3$/, 'DE'],
  [/^europe-west4$/, 'NL'],
  [/^europe-west6$/, 'CH'],
  [/^europe-west8$/, 'IT'],
  [/^europe-west9$/, 'FR'],
  [/^europe-west10$/, 'DE'],
  [/^europe-west12$/, 'IT'],
  [/^europe-north1$/, 'FI'],
  [/^europe-north2$/, 'SE'],
  [/^europe-central2$/, 'PL'],
  [/^europe-southwest1$/, 'ES'],
  [/^asia-east1$/, 'TW'],
  [/^asia-east2$/, 'HK'],
  [/^asia-northeast1$/, 'JP'],
  [/^asia-northeast2$/, 'JP'],
  [/^asia-northeast3$/, 'KR'],
  [/^asia-south/, 'IN'],
  [/^asia-southeast1$/, 'SG'],
  [/^asia-southeast2$/, 'ID'],
  [/^australia-/, 'AU'],
  [/^me-west1$/, 'IL'],
  [/^me-central1$/, 'QA'],
  [/^me-central2$/, 'SA'],
  [/^africa-south1$/, 'ZA'],
];

/** Last path segment of a resource URL ("…/machineTypes/e2-small" -> "e2-small"). */
export const lastSegment = (url: string | null | undefined): string | null =>
  url ? (url.split('/').filter(Boolean).pop() ?? null) : null;

/** `zone/name` keys for disks, read from a disk URL. */
export function diskKey(url: string | null | undefined): string | null {
  const m = url ? /zones\/([^/]+)\/disks\/([^/]+)$/.exec(url) : null;
  return m ? `${m[1]}/${m[2]}` : null;
}

export function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const labels = (value: Record<string, string> | null | undefined): Record<string, string> => ({
  ...(value ?? {}),
});

/**
 * `zone` is the aggregated list's scope (or the zone the instance was fetched from);
 * `bootImages` maps `zone/disk` to the image each disk was made from.
 */
export function toMachine(
  inst: Instance,
  zone: string,
  bootImages: ReadonlyMap<string, string>,
): RemoteMachine {
  const rawState = inst.status ?? 'UNKNOWN';
  const nics = inst.networkInterfaces ?? [];
  const boot = (inst.disks ?? []).find((d) => d.boot) ?? inst.disks?.[0];
  const bootKey = diskKey(boot?.source);
  return {
    externalId: `${zone}/${inst.name}`,
    name: inst.name ?? '',
    state: STATES[rawState] ?? 'unknown',
    rawState,
    size: lastSegment(inst.machineType),
    image: bootKey ? (bootImages.get(bootKey) ?? null) : null,
    location: zone,
    publicIps: nics.flatMap((n) => [
      ...(n.accessConfigs ?? []).map((a) => a.natIP).filter((ip): ip is string => !!ip),
      ...(n.ipv6AccessConfigs ?? []).map((a) => a.externalIpv6).filter((ip): ip is string => !!ip),
    ]),
    privateIps: nics.flatMap((n) => [n.networkIP, n.ipv6Address].filter((ip): ip is string => !!ip)),
    createdAt: parseDate(inst.creationTimestamp),
    tags: labels(inst.labels),
    extra: {
      id: inst.id ?? null,
      zone,
      machineType: inst.machineType ?? null,
      description: inst.description ?? '',
      statusMessage: inst.statusMessage ?? null,
      cpuPlatform: inst.cpuPlatform ?? null,
      networkTags: [...(inst.tags?.items ?? [])],
      networks: nics.map((n) => lastSegment(n.network)),
      disks: (inst.disks ?? []).map((d) => ({
        deviceName: d.deviceName ?? null,
        disk: lastSegment(d.source),
        boot: d.boot ?? false,
        mode: d.mode ?? null,
        autoDelete: d.autoDelete ?? false,
      })),
      // Keys only: values (startup scripts, keys) are not ours to copy around.
      metadataKeys: (inst.metadata?.items ?? []).map((i) => i.key),
      scheduling: {
        preemptible: inst.scheduling?.preemptible ?? false,
        automaticRestart: inst.scheduling?.automaticRestart ?? null,
        onHostMaintenance: inst.scheduling?.onHostMaintenance ?? null,
        provisioningModel: inst.scheduling?.provisioningModel ?? null,
      },
      deletionProtection: inst.deletionProtection ?? false,
      canIpForward: inst.canIpForward ?? false,
      lastStartTimestamp: inst.lastStartTimestamp ?? null,
      lastStopTimestamp: inst.lastStopTimestamp ?? null,
      selfLink: inst.selfLink ?? null,
    },
  };
}

/** Compute Engine's disk statuses in the unified vocabulary; `rawState` keeps its word (READY...). */
function volumeState(status: string | null | undefined, attached: boolean): VolumeState {
  switch (status) {
    case 'READY':
      return attached ? 'in-use' : 'available';
    case 'CREATING':
    case 'RESTORING':
      return 'creating';
    case 'DELETING':
      return 'deleting';
    case 'FAILED':
      return 'error';
    default:
      return 'unknown';
  }
}

export function toVolume(d: Disk, zone: string): RemoteVolume {
  const users = d.users ?? [];
  return {
    externalId: `${zone}/${d.name}`,
    name: d.name ?? '',
    sizeGb: Number(d.sizeGb ?? 0),
    state: volumeState(d.status, users.length > 0),
    rawState: d.status ?? '',
    location: zone,
    attachedTo: users
      .map((u) => /zones\/([^/]+)\/instances\/([^/]+)$/.exec(u))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}/${m[2]}`),
    createdAt: parseDate(d.creationTimestamp),
    tags: labels(d.labels),
    extra: {
      id: d.id ?? null,
      type: lastSegment(d.type),
      description: d.description ?? '',
      // What the disk holds, also for one a revert made from a snapshot (see disk-image.ts).
      sourceImage: diskImage(d),
      sourceSnapshot: lastSegment(d.sourceSnapshot),
      lastAttachTimestamp: d.lastAttachTimestamp ?? null,
      lastDetachTimestamp: d.lastDetachTimestamp ?? null,
      selfLink: d.selfLink ?? null,
    },
  };
}

/** Machine types repeat per zone; one size per name, offered in every zone seen. */
export function toSizes(entries: Array<{ zone: string; type: MachineType }>): RemoteSize[] {
  const byName = new Map<string, RemoteSize>();
  for (const { zone, type } of entries) {
    const name = type.name ?? '';
    const known = byName.get(name);
    if (known) {
      if (!known.locations.includes(zone)) known.locations.push(zone);
      continue;
    }
    byName.set(name, {
      externalId: name,
      name: type.description ? `${name} (${type.description})` : name,
      cpus: type.guestCpus ?? null,
      memoryMb: type.memoryMb ?? null,
      // Machine types carry no disk; the boot disk is sized separately.
      diskGb: null,
      locations: [zone],
      extra: {
        description: type.description ?? null,
        isSharedCpu: type.isSharedCpu ?? false,
        maximumPersistentDisks: type.maximumPersistentDisks ?? null,
        deprecated: type.deprecated?.state ?? null,
      },
    });
  }
  return [...byName.values()];
}

export function toLocation(z: Zone): RemoteLocation {
  const region = lastSegment(z.region) ?? (z.name ?? '').replace(/-[a-z]$/, '');
  return {
    externalId: z.name ?? '',
    name: z.description || (z.name ?? ''),
    country: COUNTRIES.find(([re]) => re.test(region))?.[1] ?? null,
    extra: {
      region,
      status: z.status ?? null,
      deprecated: z.deprecated?.state ?? null,
      availableCpuPlatforms: [...(z.availableCpuPlatforms ?? [])],
    },
  };
}

const OS_HINTS: Array<[RegExp, string]> = [
  [/debian/, 'debian'],
  [/ubuntu/, 'ubuntu'],
  [/centos/, 'centos'],
  [/rhel|red-hat/, 'rhel'],
  [/rocky/, 'rocky'],
  [/suse|sles/, 'suse'],
  [/windows/, 'windows'],
  [/cos-|container-optimized/, 'cos'],
  [/fedora/, 'fedora'],
  [/coreos/, 'coreos'],
];

export function toImage(i: Image, project: string, ownProject: string): RemoteImage {
  const hint = `${i.family ?? ''} ${i.name ?? ''}`.toLowerCase();
  return {
    externalId: `projects/${project}/global/images/${i.name}`,
    name: i.name ?? '',
    os: OS_HINTS.find(([re]) => re.test(hint))?.[1] ?? null,
    isPublic: project !== ownProject,
    extra: {
      id: i.id ?? null,
      project,
      family: i.family ?? null,
      description: i.description ?? null,
      diskSizeGb: i.diskSizeGb ? Number(i.diskSizeGb) : null,
      status: i.status ?? null,
      architecture: i.architecture ?? null,
      creationTimestamp: i.creationTimestamp ?? null,
      labels: labels(i.labels),
    },
  };
}
