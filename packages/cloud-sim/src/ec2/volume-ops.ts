// EBS volume lifecycle: create (creating -> available), attach (attaching -> attached),
// detach (detaching -> available) and delete (deleting -> gone).

import { Ec2Error, invalidValue, malformedId } from './errors';
import { instancesIn } from './instance-ops';
import type { SimInstance, SimVolume } from './model';
import type { Ec2State, RegionState } from './state';

export interface VolumeSpec {
  zone: string;
  size?: number;
  volumeType?: string;
  iops?: number;
  throughput?: number;
  encrypted?: boolean;
  snapshotId?: string;
  tags?: Map<string, string>;
}

/** Size limits (GiB) per volume type, as EC2 enforces them. */
const SIZE_LIMITS: Record<string, { min: number; max: number }> = {
  standard: { min: 1, max: 1024 },
  gp2: { min: 1, max: 16384 },
  gp3: { min: 1, max: 16384 },
  io1: { min: 4, max: 16384 },
  io2: { min: 4, max: 65536 },
  st1: { min: 125, max: 16384 },
  sc1: { min: 125, max: 16384 },
};

const VOLUME_ID = /^vol-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** Device names EC2 accepts for EBS on Linux and Windows instances. */
const DEVICE = /^(\/dev\/(sd[a-z][0-9]*|xvd[a-z]{1,2}[0-9]*)|xvd[a-z]{1,2})$/;

export function volumesIn(region: RegionState, ids: string[]): SimVolume[] {
  for (const id of ids) if (!VOLUME_ID.test(id)) throw malformedId('InvalidVolumeID.Malformed', id);
  const missing = ids.filter((id) => !region.volumes.get(id));
  if (missing.length === 1)
    throw new Ec2Error('InvalidVolume.NotFound', `The volume '${missing[0]}' does not exist.`);
  if (missing.length > 1) {
    throw new Ec2Error('InvalidVolume.NotFound', `The volumes '${missing.join(', ')}' do not exist.`);
  }
  return ids.map((id) => region.volumes.get(id)!);
}

/** Runs `fn` after the transition delay unless the volume changed meanwhile. */
function later(state: Ec2State, volume: SimVolume, fn: () => void): void {
  const version = volume.version;
  state.scheduler.after(state.transitionMs, () => {
    if (volume.alive && volume.version === version) fn();
  });
}

export function createVolume(state: Ec2State, region: RegionState, spec: VolumeSpec): SimVolume {
  if (!region.zoneNames.includes(spec.zone)) {
    throw invalidValue(`Invalid availability zone: [${spec.zone}]`);
  }
  if (spec.snapshotId !== undefined) {
    throw new Ec2Error('InvalidSnapshot.NotFound', `The snapshot '${spec.snapshotId}' does not exist.`);
  }
  const volumeType = spec.volumeType ?? 'gp2';
  const limits = Object.hasOwn(SIZE_LIMITS, volumeType) ? SIZE_LIMITS[volumeType] : undefined;
  if (!limits) throw invalidValue(`Value (${volumeType}) for parameter volumeType is invalid.`);
  if (spec.size === undefined) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter size or snapshotId');
  }
  if (spec.size < limits.min) {
    throw invalidValue(`Volume of ${spec.size}GiB is too small; minimum is ${limits.min}GiB.`);
  }
  if (spec.size > limits.max) {
    throw invalidValue(
      `Volume of ${spec.size}GiB is too large for volume type ${volumeType}; maximum is ${limits.max}GiB.`,
    );
  }
  const volume: SimVolume = {
    seq: state.nextSeq(),
    alive: true,
    id: state.newVolumeId(),
    region: region.name,
    zone: spec.zone,
    size: spec.size,
    volumeType,
    iops:
      volumeType === 'gp3'
        ? (spec.iops ?? 3000)
        : volumeType === 'gp2'
          ? Math.max(100, spec.size * 3)
          : spec.iops,
    throughput: volumeType === 'gp3' ? (spec.throughput ?? 125) : undefined,
    encrypted: spec.encrypted ?? false,
    snapshotId: '',
    status: 'creating',
    version: 0,
    createTime: state.now(),
    tags: new Map(spec.tags),
  };
  state.addVolume(volume);
  later(state, volume, () => {
    volume.status = 'available';
    volume.version += 1;
  });
  return volume;
}

export function attachVolume(
  state: Ec2State,
  region: RegionState,
  volumeId: string,
  instanceId: string,
  device: string,
): SimVolume {
  const volume = volumesIn(region, [volumeId])[0]!;
  const instance = instancesIn(region, [instanceId])[0]!;
  if (!DEVICE.test(device)) {
    throw invalidValue(
      `Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`,
    );
  }
  if (volume.attachment) {
    throw new Ec2Error('VolumeInUse', `${volume.id} is already attached to an instance`);
  }
  if (volume.status !== 'available') {
    throw new Ec2Error('IncorrectState', `The volume '${volume.id}' is not 'available'.`);
  }
  if (volume.zone !== instance.zone) {
    throw new Ec2Error(
      'InvalidVolume.ZoneMismatch',
      `The volume '${volume.id}' is not in the same availability zone as instance '${instance.id}'`,
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new Ec2Error('IncorrectInstanceState', `Instance '${instance.id}' is not 'running'.`);
  }
  if (devicesOf(state, instance).includes(device)) {
    throw invalidValue(
      `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`,
    );
  }
  volume.status = 'in-use';
  volume.version += 1;
  volume.attachment = {
    instanceId: instance.id,
    device,
    status: 'attaching',
    attachTime: state.now(),
    deleteOnTermination: false,
  };
  instance.volumeIds.push(volume.id);
  later(state, volume, () => {
    if (volume.attachment) volume.attachment.status = 'attached';
    volume.version += 1;
  });
  return volume;
}

function devicesOf(state: Ec2State, instance: SimInstance): string[] {
  return instance.volumeIds
    .map((id) => state.volumes.get(id)?.attachment?.device)
    .filter((d): d is string => d !== undefined);
}

export function detachVolume(
  state: Ec2State,
  region: RegionState,
  volumeId: string,
  instanceId: string | undefined,
): SimVolume {
  const volume = volumesIn(region, [volumeId])[0]!;
  const attachment = volume.attachment;
  if (!attachment) {
    throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the '${volume.status}' state.`);
  }
  if (instanceId !== undefined && attachment.instanceId !== instanceId) {
    throw new Ec2Error(
      'InvalidAttachment.NotFound',
      `Volume '${volume.id}' can not be detached from '${instanceId}' because it is not attached.`,
    );
  }
  const instance = region.instances.get(attachment.instanceId);
  if (instance && attachment.device === instance.rootDeviceName && instance.state !== 'stopped') {
    throw new Ec2Error(
      'IncorrectState',
      `Unable to detach root volume '${volume.id}' from instance '${instance.id}'`,
    );
  }
  if (attachment.status === 'detaching') return volume;
  attachment.status = 'detaching';
  volume.version += 1;
  later(state, volume, () => {
    volume.attachment = undefined;
    volume.status = 'available';
    volume.version += 1;
    if (instance) instance.volumeIds = instance.volumeIds.filter((id) => id !== volume.id);
  });
  return volume;
}

export function deleteVolume(state: Ec2State, region: RegionState, volumeId: string): void {
  const volume = volumesIn(region, [volumeId])[0]!;
  if (volume.attachment) {
    throw new Ec2Error(
      'VolumeInUse',
      `Volume ${volume.id} is currently attached to ${volume.attachment.instanceId}`,
    );
  }
  if (volume.status === 'deleting') return;
  volume.status = 'deleting';
  volume.version += 1;
  later(state, volume, () => state.deleteVolume(volume));
}
