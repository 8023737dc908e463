import {
  OWNED_IMAGES,
  PUBLIC_IMAGES,
  type PublicImageTemplate,
  type RegionInfo,
  regionInfo,
} from './catalog';
import { Ec2Error } from './errors';
import { hashString, resourceId } from './ids';
import type {
  SimImage,
  SimInstance,
  SimKeyPair,
  SimReplaceRootVolumeTask,
  SimSnapshot,
  SimVolume,
} from './model';
import { RegionNetworks } from './networks';
import { OrderedIndex } from './ordered-index';
import { Scheduler } from './scheduler';

export interface Ec2StateOptions {
  accountId: string;
  /** Regions the simulated account has enabled. */
  regions: string[];
  /** Delay of every transitional state (pending, stopping, creating...). 0 = next request. */
  transitionMs: number;
  /** How long terminated instances stay listed before they vanish (EC2: about an hour). */
  terminatedRetentionMs: number;
  now: () => number;
}

/** What an idempotent call (RunInstances, CreateVolume) answered for a client token. */
export interface IdempotentResult {
  fingerprint: string;
  ids: string[];
}

/** One region's resources: EC2 keeps everything regional except the account itself. */
export class RegionState {
  readonly instances = new OrderedIndex<SimInstance>();
  readonly volumes = new OrderedIndex<SimVolume>();
  /** EBS snapshots by id, in the order they were taken. */
  readonly snapshots = new Map<string, SimSnapshot>();
  readonly replaceRootVolumeTasks = new Map<string, SimReplaceRootVolumeTask>();
  /** By key name, the key EC2 addresses key pairs by. */
  readonly keyPairs = new Map<string, SimKeyPair>();
  readonly images: SimImage[];
  readonly imagesById: Map<string, SimImage>;
  readonly vpcId: string;
  readonly subnets: Map<string, string>;
  readonly defaultSecurityGroup: { id: string; name: string };
  readonly clientTokens = new Map<string, IdempotentResult>();
  /** VPCs, subnets and security groups; the defaults above are its first entries. */
  readonly net: RegionNetworks;

  constructor(
    readonly info: RegionInfo,
    accountId: string,
  ) {
    const salt = hashString(info.name);
    this.vpcId = resourceId('vpc', 0, salt);
    this.subnets = new Map(this.zoneNames.map((zone, i) => [zone, resourceId('subnet', i, salt)]));
    this.defaultSecurityGroup = { id: resourceId('sg', 0, salt), name: 'default' };
    this.net = new RegionNetworks(info.name, {
      vpcId: this.vpcId,
      subnets: this.subnets,
      groupId: this.defaultSecurityGroup.id,
    });
    const image = (t: PublicImageTemplate, isPublic: boolean, i: number): SimImage => ({
      id: resourceId('ami', i, hashString(`${info.name}/${t.key}`)),
      name: t.name,
      description: t.description,
      ownerId: t.ownerId,
      ownerAlias: t.ownerAlias,
      isPublic,
      architecture: t.arch,
      platform: t.platform,
      platformDetails: t.platformDetails,
      rootDeviceName: t.rootDeviceName,
      rootSizeGb: t.rootSizeGb,
      snapshotId: resourceId('snap', i, hashString(`${info.name}/${t.key}/snap`)),
      creationDate: t.creationDate,
      tags: new Map(),
    });
    this.images = [
      ...PUBLIC_IMAGES.map((t, i) => image(t, true, i)),
      ...OWNED_IMAGES.map((t, i) => image({ ...t, ownerId: accountId }, false, i + PUBLIC_IMAGES.length)),
    ];
    this.imagesById = new Map(this.images.map((img) => [img.id, img]));
  }

  get name(): string {
    return this.info.name;
  }

  get zoneNames(): string[] {
    return this.info.zones.map((z) => `${this.info.name}${z}`);
  }

  zoneId(zone: string): string {
    const index = this.zoneNames.indexOf(zone);
    return `${this.info.zoneIdPrefix}-az${index + 1}`;
  }
}

/**
 * The whole simulated account. Tests read it (`state.instances`) and change it through the
 * operations in instance-ops / volume-ops / key-pairs or the console helper; the maps here are
 * kept in step with the per-region indexes by those operations only.
 */
export class Ec2State {
  readonly accountId: string;
  readonly regions = new Map<string, RegionState>();
  /** Every instance of every region by id (ids are global in EC2). */
  readonly instances = new Map<string, SimInstance>();
  readonly volumes = new Map<string, SimVolume>();
  readonly scheduler: Scheduler;
  readonly now: () => number;
  transitionMs: number;
  terminatedRetentionMs: number;
  private seqCounter = 0;
  private counters = {
    instance: 0,
    volume: 0,
    snapshot: 0,
    replaceRootVolumeTask: 0,
    reservation: 0,
    keyPair: 0,
    privateIp: 0,
    publicIp: 0,
  };

  constructor(options: Ec2StateOptions) {
    this.accountId = options.accountId;
    this.now = options.now;
    this.transitionMs = options.transitionMs;
    this.terminatedRetentionMs = options.terminatedRetentionMs;
    this.scheduler = new Scheduler(options.now);
    for (const name of options.regions) {
      const info = regionInfo(name);
      if (!info) throw new Error(`unknown EC2 region for the emulator: ${name}`);
      this.regions.set(name, new RegionState(info, options.accountId));
    }
  }

  /**
   * Applies every transition that is due. Each request settles first; code reading the
   * state directly after time has passed calls it too.
   */
  settle(): void {
    this.scheduler.settle();
  }

  region(name: string): RegionState {
    const region = this.regions.get(name);
    if (!region)
      throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    return region;
  }

  nextSeq(): number {
    return this.seqCounter++;
  }

  next(kind: keyof Ec2State['counters']): number {
    return this.counters[kind]++;
  }

  newInstanceId(): { id: string; serial: number } {
    const serial = this.next('instance');
    return { id: resourceId('i', serial, 0x1ce), serial };
  }

  newVolumeId(): string {
    return resourceId('vol', this.next('volume'), 0x701);
  }

  newSnapshotId(): string {
    return resourceId('snap', this.next('snapshot'), 0x5a9);
  }

  newReplaceRootVolumeTaskId(): string {
    return resourceId('replacevol', this.next('replaceRootVolumeTask'), 0x7a3);
  }

  newReservationId(): string {
    return resourceId('r', this.next('reservation'), 0x4e5);
  }

  newKeyPairId(): string {
    return resourceId('key', this.next('keyPair'), 0x6e7);
  }

  addInstance(instance: SimInstance): void {
    this.region(instance.region).instances.add(instance);
    this.instances.set(instance.id, instance);
  }

  deleteInstance(instance: SimInstance): void {
    this.regions.get(instance.region)?.instances.delete(instance.id);
    this.instances.delete(instance.id);
  }

  addVolume(volume: SimVolume): void {
    this.region(volume.region).volumes.add(volume);
    this.volumes.set(volume.id, volume);
  }

  deleteVolume(volume: SimVolume): void {
    this.regions.get(volume.region)?.volumes.delete(volume.id);
    this.volumes.delete(volume.id);
  }
}
