import {
  isResizeDriver,
  isSnapshotDriver,
  type ProviderDriver,
  type ResizeDriver,
  type SnapshotDriver,
} from '@overcast/contracts';

/** A driver with snapshots and resize, the sizes that fit included. */
export type SnapshotResizeDriver = SnapshotDriver & Required<ResizeDriver>;

/** `driver` as a SnapshotResizeDriver; `what` names it when a part is missing. */
export function snapshotResizeDriver(driver: ProviderDriver, what: string): SnapshotResizeDriver {
  if (!isSnapshotDriver(driver) || !isResizeDriver(driver) || !driver.resizeTargets) {
    throw new Error(`${what} has snapshots, resize and the sizes that fit`);
  }
  return driver as SnapshotResizeDriver;
}
