// Internal records -> Compute Engine v1 JSON, shaped as the API (and the recorded fixtures) write it.

import type { ImageInfo, MachineTypeInfo, ZoneInfo } from './catalog';
import { links } from './links';
import { fingerprint, labelFingerprint, type SimDisk, type SimInstance, type SimOperation } from './model';

const ZONE_CREATED = '1969-12-31T16:00:00.000-08:00';

export function instanceJson(project: string, inst: SimInstance, disks: Map<string, SimDisk>) {
  const region = inst.zone.replace(/-[a-z]$/, '');
  // An ephemeral external address is released while the instance is stopped.
  const holdsAddress = inst.status !== 'TERMINATED' && inst.status !== 'SUSPENDED';
  const accessConfigs = inst.external
    ? [
        {
          kind: 'compute#accessConfig',
          type: 'ONE_TO_ONE_NAT',
          name: 'External NAT',
          ...(holdsAddress ? { natIP: inst.natIP } : {}),
          networkTier: 'PREMIUM',
        },
      ]
    : [];
  return {
    kind: 'compute#instance',
    id: inst.id,
    creationTimestamp: inst.creationTimestamp,
    name: inst.name,
    description: inst.description,
    tags:
      inst.networkTags.length > 0
        ? { items: inst.networkTags, fingerprint: fingerprint(inst.networkTags) }
        : { fingerprint: fingerprint([]) },
    machineType: links.machineType(project, inst.zone, inst.machineType),
    status: inst.status,
    ...(inst.statusMessage ? { statusMessage: inst.statusMessage } : {}),
    zone: links.zone(project, inst.zone),
    canIpForward: false,
    networkInterfaces: [
      {
        kind: 'compute#networkInterface',
        network: links.network(project, inst.network),
        subnetwork: links.subnetwork(project, region, inst.subnetwork),
        networkIP: inst.networkIP,
        name: 'nic0',
        accessConfigs,
        fingerprint: fingerprint({ ip: inst.networkIP }),
        stackType: 'IPV4_ONLY',
      },
    ],
    disks: inst.disks.map((a, index) => {
      const disk = disks.get(`${inst.zone}/${a.diskName}`);
      return {
        kind: 'compute#attachedDisk',
        type: 'PERSISTENT',
        mode: a.mode,
        source: links.disk(project, inst.zone, a.diskName),
        deviceName: a.deviceName,
        index,
        boot: a.boot,
        autoDelete: a.autoDelete,
        interface: 'SCSI',
        ...(disk ? { diskSizeGb: String(disk.sizeGb) } : {}),
        architecture: 'X86_64',
      };
    }),
    metadata: {
      kind: 'compute#metadata',
      fingerprint: fingerprint(inst.metadata),
      ...(inst.metadata.length > 0 ? { items: inst.metadata } : {}),
    },
    serviceAccounts: [],
    selfLink: links.instance(project, inst.zone, inst.name),
    scheduling: {
      onHostMaintenance: 'MIGRATE',
      automaticRestart: true,
      preemptible: false,
      provisioningModel: 'STANDARD',
    },
    cpuPlatform: inst.cpuPlatform,
    ...(Object.keys(inst.labels).length > 0 ? { labels: inst.labels } : {}),
    labelFingerprint: labelFingerprint(inst.labels),
    startRestricted: false,
    deletionProtection: false,
    fingerprint: fingerprint({ id: inst.id, status: inst.status }),
    ...(inst.lastStartTimestamp ? { lastStartTimestamp: inst.lastStartTimestamp } : {}),
    ...(inst.lastStopTimestamp ? { lastStopTimestamp: inst.lastStopTimestamp } : {}),
  };
}

export function diskJson(project: string, d: SimDisk) {
  return {
    kind: 'compute#disk',
    id: d.id,
    creationTimestamp: d.creationTimestamp,
    name: d.name,
    description: d.description,
    sizeGb: String(d.sizeGb),
    zone: links.zone(project, d.zone),
    status: d.status,
    selfLink: links.disk(project, d.zone, d.name),
    ...(d.sourceImage ? { sourceImage: d.sourceImage, sourceImageId: d.sourceImageId } : {}),
    ...(d.sourceSnapshot ? { sourceSnapshot: d.sourceSnapshot, sourceSnapshotId: d.sourceSnapshotId } : {}),
    ...(d.licenses.length > 0 ? { licenses: d.licenses } : {}),
    type: links.diskType(project, d.zone, d.type),
    ...(Object.keys(d.labels).length > 0 ? { labels: d.labels } : {}),
    labelFingerprint: labelFingerprint(d.labels),
    ...(d.lastAttachTimestamp ? { lastAttachTimestamp: d.lastAttachTimestamp } : {}),
    ...(d.lastDetachTimestamp ? { lastDetachTimestamp: d.lastDetachTimestamp } : {}),
    ...(d.users.length > 0 ? { users: d.users.map((u) => links.instance(project, d.zone, u)) } : {}),
    physicalBlockSizeBytes: '4096',
    architecture: 'X86_64',
  };
}

export function operationJson(project: string, op: SimOperation) {
  const done = op.status === 'DONE';
  return {
    kind: 'compute#operation',
    id: op.id,
    name: op.name,
    ...(op.scope === 'zones'
      ? { zone: links.zone(project, op.zone) }
      : op.scope === 'regions'
        ? { region: links.region(project, op.zone) }
        : {}),
    operationType: op.operationType,
    targetLink: op.targetLink,
    targetId: op.targetId,
    status: op.status,
    user: op.user,
    progress: done ? 100 : 0,
    insertTime: op.insertTime,
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    selfLink:
      op.scope === 'zones'
        ? links.operation(project, op.zone, op.name)
        : op.scope === 'regions'
          ? links.regionOperation(project, op.zone, op.name)
          : links.globalOperation(project, op.name),
    ...(done && op.error
      ? {
          error: { errors: [{ code: op.error.code, message: op.error.message }] },
          httpErrorStatusCode: op.error.httpStatus,
          httpErrorMessage: op.error.httpMessage,
        }
      : {}),
  };
}

export function zoneJson(project: string, z: ZoneInfo) {
  return {
    kind: 'compute#zone',
    id: z.id,
    creationTimestamp: ZONE_CREATED,
    name: z.name,
    description: z.name,
    status: 'UP',
    region: links.region(project, z.region),
    selfLink: links.zone(project, z.name),
    availableCpuPlatforms: ['Intel Broadwell', 'Intel Cascade Lake', 'AMD Milan'],
    supportsPzs: false,
  };
}

export function machineTypeJson(project: string, zone: string, t: MachineTypeInfo) {
  return {
    kind: 'compute#machineType',
    id: String(801000 + [...t.name].reduce((a, c) => a + c.charCodeAt(0), 0)),
    creationTimestamp: ZONE_CREATED,
    name: t.name,
    description: t.description,
    guestCpus: t.guestCpus,
    memoryMb: t.memoryMb,
    imageSpaceGb: 0,
    maximumPersistentDisks: 128,
    maximumPersistentDisksSizeGb: '263168',
    zone,
    selfLink: links.machineType(project, zone, t.name),
    isSharedCpu: t.isSharedCpu,
    architecture: 'X86_64',
  };
}

export function imageJson(i: ImageInfo) {
  return {
    kind: 'compute#image',
    id: i.id,
    creationTimestamp: i.creationTimestamp,
    name: i.name,
    description: i.description,
    sourceType: 'RAW',
    status: 'READY',
    archiveSizeBytes: '1352609280',
    diskSizeGb: String(i.diskSizeGb),
    family: i.family,
    selfLink: links.image(i.project, i.name),
    ...(i.licenses && i.licenses.length > 0 ? { licenses: i.licenses } : {}),
    labelFingerprint: labelFingerprint(i.labels ?? {}),
    ...(i.labels && Object.keys(i.labels).length > 0 ? { labels: i.labels } : {}),
    ...(i.deprecated
      ? {
          deprecated: {
            state: i.deprecated.state,
            replacement: links.image(i.project, i.deprecated.replacement),
          },
        }
      : {}),
    architecture: 'X86_64',
  };
}
