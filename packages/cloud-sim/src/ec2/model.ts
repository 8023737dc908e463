// The emulator's in-memory resources. Field names follow EC2's wire names where they exist.

import type { Architecture } from './catalog';

export type InstanceStateName =
  | 'pending'
  | 'running'
  | 'shutting-down'
  | 'terminated'
  | 'stopping'
  | 'stopped';

/** EC2's numeric state codes (the low byte of instanceState/code). */
export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface StateReason {
  code: string;
  message: string;
}

/** Anything the emulator keeps in a seq-ordered index (see OrderedIndex). */
export interface Indexed {
  seq: number;
  alive: boolean;
}

export interface SimInstance extends Indexed {
  id: string;
  region: string;
  zone: string;
  reservationId: string;
  ownerId: string;
  imageId: string;
  instanceType: string;
  state: InstanceStateName;
  /** Bumped on every state change so stale scheduled transitions are ignored. */
  version: number;
  /** When the instance was created; its primary network interface is attached since then. */
  createTime: number;
  /** EC2 moves LaunchTime to the last start. */
  launchTime: number;
  launchIndex: number;
  keyName?: string;
  privateIp: string;
  publicIp?: string;
  vpcId: string;
  subnetId: string;
  securityGroup: { id: string; name: string };
  /** Per-instance counter the network interface id and MAC are derived from at render time. */
  serial: number;
  architecture: Architecture;
  platform?: 'windows';
  platformDetails: string;
  rootDeviceName: string;
  /** Ids of attached EBS volumes, root first. */
  volumeIds: string[];
  /** Free text EC2 shows in `reason` ("User initiated (2026-01-11 14:39:31 GMT)"). */
  reason: string;
  stateReason?: StateReason;
  clientToken: string;
  userData?: string;
  tags: Map<string, string>;
  /** Times the instance was rebooted; a reboot leaves no other visible trace. */
  reboots: number;
  /** Boots so far, and what they printed on the serial port (GetConsoleOutput). */
  boots: number;
  consoleOutput: string;
}

export type VolumeStatus = 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted' | 'error';
export type AttachmentStatus = 'attaching' | 'attached' | 'detaching' | 'detached';

export interface SimAttachment {
  instanceId: string;
  device: string;
  status: AttachmentStatus;
  attachTime: number;
  deleteOnTermination: boolean;
}

export interface SimVolume extends Indexed {
  id: string;
  region: string;
  zone: string;
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
  snapshotId: string;
  status: VolumeStatus;
  version: number;
  createTime: number;
  attachment?: SimAttachment;
  tags: Map<string, string>;
}

/**
 * A root volume replacement: a new root volume made from a snapshot of the instance's root
 * volume and swapped in while the instance reboots; `pending` until it is done.
 */
export interface SimReplaceRootVolumeTask {
  id: string;
  instanceId: string;
  snapshotId: string;
  state: 'pending' | 'in-progress' | 'succeeded' | 'failed';
  startTime: number;
  completeTime?: number;
  deleteReplacedRootVolume: boolean;
  clientToken?: string;
  tags: Map<string, string>;
}

/** An EBS snapshot: `pending` until the copy of its volume is complete. */
export interface SimSnapshot {
  id: string;
  region: string;
  volumeId: string;
  volumeSize: number;
  description: string;
  status: 'pending' | 'completed';
  startTime: number;
  encrypted: boolean;
  alive: boolean;
  tags: Map<string, string>;
}

export interface SimKeyPair {
  id: string;
  name: string;
  keyType: 'rsa' | 'ed25519';
  fingerprint: string;
  publicKey: string;
  createTime: number;
  tags: Map<string, string>;
}

export interface SimImage {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  isPublic: boolean;
  architecture: Architecture;
  platform?: 'windows';
  platformDetails: string;
  rootDeviceName: string;
  rootSizeGb: number;
  snapshotId: string;
  creationDate: string;
  tags: Map<string, string>;
}
