// Optional capabilities of a driver, beyond ProviderDriver: snapshots of a machine, resizing it in
// place and cloning it. A provider's module says which it has (`features.snapshots`, `resize`,
// `clone`); core asks for them through `snapshotDriverOf`, `resizeDriverOf`, `cloneDriverOf`.

import type { ProviderDriver, RemoteMachine } from './provider';

export type SnapshotState = 'available' | 'creating' | 'error';

/** One snapshot of a machine, as its provider lists it. */
export interface RemoteSnapshot {
  externalId: string;
  name: string;
  state: SnapshotState;
  createdAt: Date | null;
  /** What it holds, in GB, when the provider says. */
  sizeGb: number | null;
}

export interface SnapshotDriver extends ProviderDriver {
  /** Whether a machine can be brought back to a snapshot in place (some providers only make new machines from one). */
  readonly canRevertSnapshots: boolean;
  /** The state a revert needs the machine in, when the provider needs one (EC2: running; Compute Engine: stopped). */
  readonly revertNeeds?: 'running' | 'stopped';
  /** False where the provider deletes no snapshot on request (Linode's backups); default true. */
  readonly canDeleteSnapshots?: boolean;
  listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]>;
  /** Starts taking a snapshot; it may still be `creating` when this returns. */
  createSnapshot(machineExternalId: string, name: string): Promise<void>;
  revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void>;
  deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void>;
}

export interface ResizeDriver extends ProviderDriver {
  /** Changes the machine's size to `sizeId` (one of listSizes()); the machine is stopped, or `resizesRunning`. */
  resizeMachine(externalId: string, sizeId: string): Promise<void>;
  /**
   * The size ids this machine may move to, where the provider says (Vultr's upgrade list) or it
   * refuses some sizes of the location (a smaller disk, another CPU architecture). Absent: any.
   */
  resizeTargets?(externalId: string): Promise<string[]>;
  /**
   * Whether this machine takes a new size while it runs (vSphere's CPU and Memory Hot Plug);
   * `resizeTargets` then lists only the sizes it can take so. Absent or false: stopped first.
   */
  resizesRunning?(externalId: string): Promise<boolean>;
}

export interface CloneDriver extends ProviderDriver {
  /** Copies the machine, disks included, into a new one named `name`. */
  cloneMachine(externalId: string, name: string): Promise<RemoteMachine>;
}

export const isSnapshotDriver = (d: ProviderDriver): d is SnapshotDriver =>
  typeof (d as Partial<SnapshotDriver>).listSnapshots === 'function';
export const isResizeDriver = (d: ProviderDriver): d is ResizeDriver =>
  typeof (d as Partial<ResizeDriver>).resizeMachine === 'function';
export const isCloneDriver = (d: ProviderDriver): d is CloneDriver =>
  typeof (d as Partial<CloneDriver>).cloneMachine === 'function';
