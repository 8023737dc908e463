import { createHash } from 'node:crypto';

export type InstanceStatus =
  | 'PROVISIONING'
  | 'STAGING'
  | 'RUNNING'
  | 'STOPPING'
  | 'SUSPENDING'
  | 'SUSPENDED'
  | 'REPAIRING'
  | 'TERMINATED';

export type DiskStatus = 'CREATING' | 'RESTORING' | 'FAILED' | 'READY' | 'DELETING';

export interface SimAttachedDisk {
  diskName: string;
  deviceName: string;
  boot: boolean;
  autoDelete: boolean;
  mode: 'READ_WRITE' | 'READ_ONLY';
}

export interface SimInstance {
  id: string;
  name: string;
  zone: string;
  machineType: string;
  status: InstanceStatus;
  statusMessage?: string;
  description: string;
  creationTimestamp: string;
  labels: Readonly<Record<string, string>>;
  metadata: ReadonlyArray<{ key: string; value: string }>;
  networkTags: readonly string[];
  /** Names of the VPC network and (in the instance's region) subnetwork of nic0. */
  network: string;
  subnetwork: string;
  disks: SimAttachedDisk[];
  networkIP: string;
  natIP: string;
  /** Has a one-to-one NAT access config; its ephemeral address is only held while not stopped. */
  external: boolean;
  cpuPlatform: string;
  lastStartTimestamp?: string;
  lastStopTimestamp?: string;
  /** Bumped on every state change, so a stale scheduled transition knows to stand down. */
  generation: number;
  /** Serial port 1: boots so far, the text kept, and how many bytes were dropped before it. */
  serial: SimSerialPort;
}

export interface SimSerialPort {
  boots: number;
  text: string;
  dropped: number;
}

export interface SimDisk {
  id: string;
  name: string;
  zone: string;
  sizeGb: number;
  type: string;
  status: DiskStatus;
  description: string;
  creationTimestamp: string;
  /**
   * Full URL of the image it was made from. A disk made from a snapshot has none, as in Compute
   * Engine, even when the snapshot's disk was made from an image: only its licenses carry over.
   */
  sourceImage: string | null;
  sourceImageId: string | null;
  /** Full URL and id of the snapshot it was made from. */
  sourceSnapshot?: string;
  sourceSnapshotId?: string;
  /** Full URLs of its licenses: its image's, or those its snapshot kept from its own disk. */
  licenses: readonly string[];
  /** Names of the instances (same zone) using it. */
  users: string[];
  labels: Readonly<Record<string, string>>;
  lastAttachTimestamp?: string;
  lastDetachTimestamp?: string;
}

export interface OperationError {
  httpStatus: number;
  httpMessage: string;
  code: string;
  message: string;
}

export type OperationScope = 'zones' | 'regions' | 'global';

export interface SimOperation {
  id: string;
  name: string;
  /** Zonal (`zone` names it), regional (`zone` is the region) or global (`zone` is ''). */
  scope: OperationScope;
  zone: string;
  operationType: string;
  targetLink: string;
  targetId: string;
  user: string;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  insertTime: string;
  startTime: string;
  endTime?: string;
  /** Epoch ms when it reports DONE. */
  doneAt: number;
  error?: OperationError;
}

/** Compute Engine writes RFC 3339 with milliseconds and the Pacific offset. */
export function gceTime(ms: number): string {
  return `${new Date(ms - 7 * 3_600_000).toISOString().replace('Z', '')}-07:00`;
}

/** The fingerprint GCE reports for an empty set of labels, metadata or tags. */
const EMPTY_FINGERPRINT = '42WmSpB8rSM=';

/** Optimistic-locking fingerprint over a JSON-able value: 8 bytes of its SHA-256, base64. */
export function fingerprint(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === '{}' || json === '[]') return EMPTY_FINGERPRINT;
  return createHash('sha256').update(json).digest().subarray(0, 8).toString('base64');
}

export const labelFingerprint = (labels: Readonly<Record<string, string>>) =>
  fingerprint(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
