import { appendSerial, bootLog } from '../common/boot-log';
// Instance lifecycle: launch, start/stop/reboot/terminate and their timed transitions,
// plus the out-of-band changes a person makes in the AWS console.

import { instanceTypeInfo } from './catalog';
import { Ec2Error, invalidValue, malformedId, notFound } from './errors';
import { privateIp, publicIp } from './ids';
import type { InstanceStateName, SimImage, SimInstance, StateReason } from './model';
import type { Ec2State, RegionState } from './state';

export interface LaunchSpec {
  imageId: string;
  instanceType?: string;
  minCount?: number;
  maxCount?: number;
  zone?: string;
  subnetId?: string;
  keyName?: string;
  /** Base64, as RunInstances takes it. */
  userData?: string;
  tags?: Map<string, string>;
  volumeTags?: Map<string, string>;
  clientToken?: string;
}

export interface StateChange {
  id: string;
  previous: InstanceStateName;
  current: InstanceStateName;
}

/** The per-request instance limit of the simulated account. */
export const MAX_LAUNCH = 100;
const USER_DATA_LIMIT = 16384;

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const IMAGE_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

function gmtStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}

const userShutdown = (): StateReason => ({
  code: 'Client.UserInitiatedShutdown',
  message: 'Client.UserInitiatedShutdown: User initiated shutdown',
});

/** Instances of `ids` in the region; every unknown id is reported at once, as EC2 does. */
export function instancesIn(region: RegionState, ids: string[]): SimInstance[] {
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw malformedId('InvalidInstanceID.Malformed', id);
  const missing = ids.filter((id) => !region.instances.get(id));
  if (missing.length > 0) throw notFound('InvalidInstanceID.NotFound', 'instance', missing);
  return ids.map((id) => region.instances.get(id)!);
}

function resolveImage(region: RegionState, imageId: string): SimImage {
  if (!IMAGE_ID.test(imageId))
    throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  const image = region.imagesById.get(imageId);
  if (!image) throw new Ec2Error('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  return image;
}

function resolveZone(region: RegionState, spec: LaunchSpec, serial: number): string {
  if (spec.subnetId) {
    const subnet = region.net.subnets.get(spec.subnetId);
    if (subnet) return subnet.zone;
    throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${spec.subnetId}' does not exist`);
  }
  if (spec.zone) {
    if (!region.zoneNames.includes(spec.zone))
      throw invalidValue(`Invalid availability zone: [${spec.zone}]`);
    return spec.zone;
  }
  const zones = region.zoneNames;
  return zones[serial % zones.length]!;
}

function checkUserData(userData: string | undefined): void {
  if (userData === undefined) return;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length % 4 !== 0) {
    throw invalidValue('Invalid BASE64 encoding of user data.');
  }
  if (Buffer.from(userData, 'base64').length > USER_DATA_LIMIT) {
    throw invalidValue(`User data is limited to ${USER_DATA_LIMIT} bytes`);
  }
}

/** Validates a launch the way RunInstances does, then creates the instances in `pending`. */
export function launchInstances(state: Ec2State, regionName: string, spec: LaunchSpec): SimInstance[] {
  const region = state.region(regionName);
  const image = resolveImage(region, spec.imageId);
  const typeName = spec.instanceType ?? 't2.micro';
  const type = instanceTypeInfo(typeName);
  if (!type) throw invalidValue(`Invalid value '${typeName}' for InstanceType.`);
  if (type.notIn?.includes(regionName)) {
    throw new Ec2Error(
      'Unsupported',
      'The requested configuration is currently not supported. Please check the documentation for supported configurations.',
    );
  }
  if (type.arch !== image.architecture) {
    throw invalidValue(
      `The architecture '${type.arch}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );
  }
  if (spec.keyName !== undefined && !region.keyPairs.has(spec.keyName)) {
    throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${spec.keyName}' does not exist`);
  }
  checkUserData(spec.userData);
  const minCount = spec.minCount ?? 1;
  const maxCount = spec.maxCount ?? minCount;
  if (minCount < 1 || maxCount < minCount) {
    throw invalidValue(`Invalid value '${maxCount}' for maxCount. Must be at least minCount (${minCount}).`);
  }
  if (maxCount > MAX_LAUNCH) {
    throw new Ec2Error(
      'InstanceLimitExceeded',
      `You have requested more instances (${maxCount}) than your current instance limit of ${MAX_LAUNCH} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    );
  }
  const zone = resolveZone(region, spec, state.instances.size);
  const reservationId = state.newReservationId();
  const now = state.now();
  const launched: SimInstance[] = [];
  for (let i = 0; i < maxCount; i++) {
    const instance = buildInstance(state, region, {
      image,
      instanceType: typeName,
      zone,
      reservationId,
      launchIndex: i,
      launchTime: now,
      state: 'pending',
      keyName: spec.keyName,
      tags: new Map(spec.tags),
      clientToken: spec.clientToken ?? '',
      userData: spec.userData,
      subnetId: spec.subnetId,
    });
    state.addInstance(instance);
    attachRootVolume(state, instance, image, spec.volumeTags);
    scheduleBoot(state, instance);
    launched.push(instance);
  }
  return launched;
}

export interface InstanceSeed {
  image: SimImage;
  instanceType: string;
  zone: string;
  reservationId: string;
  launchIndex: number;
  launchTime: number;
  state: InstanceStateName;
  keyName?: string;
  tags: Map<string, string>;
  clientToken: string;
  userData?: string;
  /** The zone's default subnet when absent. */
  subnetId?: string;
}

/** The subnet, its VPC and that VPC's default group. */
function placement(
  region: RegionState,
  seed: InstanceSeed,
): Pick<SimInstance, 'vpcId' | 'subnetId' | 'securityGroup'> {
  const subnet = region.net.subnets.get(seed.subnetId ?? region.subnets.get(seed.zone)!)!;
  const group = [...region.net.groups.values()].find((g) => g.vpcId === subnet.vpcId && g.name === 'default');
  return {
    vpcId: subnet.vpcId,
    subnetId: subnet.id,
    securityGroup: group ? { id: group.id, name: group.name } : region.defaultSecurityGroup,
  };
}

/** Builds (without storing) an instance with its network identity; shared with the seeder. */
export function buildInstance(state: Ec2State, region: RegionState, seed: InstanceSeed): SimInstance {
  const { id, serial } = state.newInstanceId();
  const running = seed.state === 'running';
  const stoppedOrGone = seed.state === 'stopped' || seed.state === 'terminated';
  return {
    seq: state.nextSeq(),
    alive: true,
    id,
    serial,
    region: region.name,
    zone: seed.zone,
    reservationId: seed.reservationId,
    ownerId: state.accountId,
    imageId: seed.image.id,
    instanceType: seed.instanceType,
    state: seed.state,
    version: 0,
    createTime: seed.launchTime,
    launchTime: seed.launchTime,
    launchIndex: seed.launchIndex,
    keyName: seed.keyName,
    privateIp: privateIp(state.next('privateIp')),
    publicIp: running ? publicIp(state.next('publicIp')) : undefined,
    ...placement(region, seed),
    architecture: seed.image.architecture,
    platform: seed.image.platform,
    platformDetails: seed.image.platformDetails,
    rootDeviceName: seed.image.rootDeviceName,
    volumeIds: [],
    // Stopped and terminated instances say why and when, as EC2 shows them.
    reason: stoppedOrGone ? `User initiated (${gmtStamp(seed.launchTime)})` : '',
    stateReason: stoppedOrGone ? userShutdown() : undefined,
    clientToken: seed.clientToken,
    userData: seed.userData,
    tags: seed.tags,
    reboots: 0,
    boots: running ? 1 : 0,
    consoleOutput: running ? bootLog(id, 1, seed.launchTime) : '',
  };
}

/** A boot (start or reboot) prints its lines on the serial console. */
function logBoot(state: Ec2State, instance: SimInstance): void {
  instance.boots += 1;
  instance.consoleOutput = appendSerial(
    instance.consoleOutput,
    bootLog(instance.id, instance.boots, state.now()),
  );
}

/** The EBS root volume every launch creates from the image's snapshot. */
export function attachRootVolume(
  state: Ec2State,
  instance: SimInstance,
  image: SimImage,
  tags: Map<string, string> = new Map(),
): void {
  const id = state.newVolumeId();
  state.addVolume({
    seq: state.nextSeq(),
    alive: true,
    id,
    region: instance.region,
    zone: instance.zone,
    size: image.rootSizeGb,
    volumeType: 'gp3',
    iops: 3000,
    throughput: 125,
    encrypted: false,
    snapshotId: image.snapshotId,
    status: 'in-use',
    version: 0,
    createTime: instance.launchTime,
    attachment: {
      instanceId: instance.id,
      device: image.rootDeviceName,
      status: 'attached',
      attachTime: instance.launchTime,
      deleteOnTermination: true,
    },
    tags: new Map(tags),
  });
  instance.volumeIds.unshift(id);
}

function setState(instance: SimInstance, next: InstanceStateName): number {
  instance.state = next;
  instance.version += 1;
  return instance.version;
}

/** Runs `fn` after the transition delay unless the instance changed state meanwhile. */
function later(state: Ec2State, instance: SimInstance, delayMs: number, fn: () => void): void {
  const version = instance.version;
  state.scheduler.after(delayMs, () => {
    if (instance.alive && instance.version === version) fn();
  });
}

function becomeRunning(state: Ec2State, instance: SimInstance): void {
  setState(instance, 'running');
  logBoot(state, instance);
  instance.publicIp ??= publicIp(state.next('publicIp'));
  instance.reason = '';
  instance.stateReason = undefined;
}

function scheduleBoot(state: Ec2State, instance: SimInstance): void {
  later(state, instance, state.transitionMs, () => becomeRunning(state, instance));
}

function becomeStopped(instance: SimInstance): void {
  setState(instance, 'stopped');
  // Without an Elastic IP, EC2 gives the public address back when an instance stops.
  instance.publicIp = undefined;
}

/** Terminal clean-up: root volumes go with the instance, other volumes are set free. */
function becomeTerminated(state: Ec2State, instance: SimInstance): void {
  setState(instance, 'terminated');
  instance.publicIp = undefined;
  for (const volumeId of instance.volumeIds) {
    const volume = state.volumes.get(volumeId);
    if (!volume) continue;
    if (volume.attachment?.deleteOnTermination) {
      state.deleteVolume(volume);
    } else {
      volume.attachment = undefined;
      volume.status = 'available';
      volume.version += 1;
    }
  }
  instance.volumeIds = [];
  later(state, instance, state.terminatedRetentionMs, () => state.deleteInstance(instance));
}

function incorrectState(instance: SimInstance, verb: string): Ec2Error {
  return new Ec2Error(
    'IncorrectInstanceState',
    `The instance '${instance.id}' is not in a state from which it can be ${verb}.`,
  );
}

export type InstanceOperation = 'start' | 'stop' | 'reboot' | 'terminate';

/** What each operation accepts: 'go' transitions, 'same' is an idempotent no-op. */
const ALLOWED: Record<InstanceOperation, Partial<Record<InstanceStateName, 'go' | 'same'>>> = {
  start: { stopped: 'go', pending: 'same', running: 'same' },
  stop: { running: 'go', stopping: 'same', stopped: 'same' },
  reboot: { running: 'go' },
  terminate: {
    pending: 'go',
    running: 'go',
    stopping: 'go',
    stopped: 'go',
    'shutting-down': 'same',
    terminated: 'same',
  },
};

const VERBS: Record<InstanceOperation, string> = {
  start: 'started',
  stop: 'stopped',
  reboot: 'rebooted',
  terminate: 'terminated',
};

/** Start/stop/reboot/terminate several instances; all are checked before any changes. */
export function changeInstances(
  state: Ec2State,
  region: RegionState,
  ids: string[],
  op: InstanceOperation,
): StateChange[] {
  const instances = instancesIn(region, ids);
  for (const instance of instances) {
    if (!ALLOWED[op][instance.state]) throw incorrectState(instance, VERBS[op]);
  }
  return instances.map((instance) => {
    const previous = instance.state;
    if (ALLOWED[op][previous] === 'go') apply(state, instance, op);
    return { id: instance.id, previous, current: instance.state };
  });
}

function apply(state: Ec2State, instance: SimInstance, op: InstanceOperation): void {
  const now = state.now();
  switch (op) {
    case 'start':
      setState(instance, 'pending');
      instance.launchTime = now;
      scheduleBoot(state, instance);
      return;
    case 'stop':
      setState(instance, 'stopping');
      instance.reason = `User initiated (${gmtStamp(now)})`;
      instance.stateReason = userShutdown();
      later(state, instance, state.transitionMs, () => becomeStopped(instance));
      return;
    case 'reboot':
      instance.reboots += 1;
      logBoot(state, instance);
      return;
    case 'terminate':
      setState(instance, 'shutting-down');
      instance.reason = `User initiated (${gmtStamp(now)})`;
      instance.stateReason = userShutdown();
      later(state, instance, state.transitionMs, () => becomeTerminated(state, instance));
      return;
  }
}

/**
 * A change made outside the API (console, another tool, AWS itself): the instance lands in
 * `next` at once, with the side effects the real transition would have had.
 */
export function forceInstanceState(state: Ec2State, id: string, next: InstanceStateName): SimInstance {
  const instance = state.instances.get(id);
  if (!instance) throw notFound('InvalidInstanceID.NotFound', 'instance', [id]);
  switch (next) {
    case 'running':
      becomeRunning(state, instance);
      break;
    case 'stopped':
      becomeStopped(instance);
      instance.stateReason = userShutdown();
      break;
    case 'terminated':
      becomeTerminated(state, instance);
      instance.stateReason = userShutdown();
      break;
    default:
      setState(instance, next);
  }
  return instance;
}

/** Makes an instance vanish from every listing at once (as after the retention period). */
export function removeInstance(state: Ec2State, id: string): boolean {
  const instance = state.instances.get(id);
  if (!instance) return false;
  if (instance.state !== 'terminated') becomeTerminated(state, instance);
  state.deleteInstance(instance);
  return true;
}

/** ModifyInstanceAttribute's instanceType: EC2 changes it only on a stopped instance. */
export function changeInstanceType(region: RegionState, instanceId: string, type: string): void {
  const instance = instancesIn(region, [instanceId])[0]!;
  if (!instanceTypeInfo(type)) {
    throw new Ec2Error(
      'InvalidInstanceAttributeValue',
      `Value (${type}) for parameter instanceType is invalid.`,
    );
  }
  if (instance.state !== 'stopped') {
    throw new Ec2Error(
      'IncorrectInstanceState',
      `The instance '${instance.id}' is not in the 'stopped' state.`,
    );
  }
  instance.instanceType = type;
}
