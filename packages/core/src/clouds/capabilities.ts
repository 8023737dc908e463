import {
  type CloneDriver,
  isCloneDriver,
  isResizeDriver,
  isSnapshotDriver,
  type ResizeDriver,
  type SnapshotDriver,
} from '@overcast/contracts';
import type { Cloud } from '@overcast/db';
import { DomainError } from '../errors';
import type { DriverRuntime } from '../runtime';
import { featuresOf, providerModule } from './modules';
import { driverOf } from './service';

// The optional capabilities of a cloud's driver, each behind its module's feature: a provider
// that lacks one is a 400 naming it, before any driver is built.

const label = (cloud: Cloud) => providerModule(cloud.provider).label;

/** The driver of a cloud whose provider has snapshots (`features.snapshots`). */
export async function snapshotDriverOf(runtime: DriverRuntime, cloud: Cloud): Promise<SnapshotDriver> {
  const driver = featuresOf(cloud.provider).snapshots ? await driverOf(runtime, cloud) : null;
  if (!driver || !isSnapshotDriver(driver)) {
    throw new DomainError(
      'invalid',
      'snapshots_unsupported',
      `Overcast cannot take snapshots of ${label(cloud)} machines; use the provider's own console.`,
    );
  }
  return driver;
}

/** The driver of a cloud whose provider resizes machines (`features.resize`). */
export async function resizeDriverOf(runtime: DriverRuntime, cloud: Cloud): Promise<ResizeDriver> {
  const driver = featuresOf(cloud.provider).resize ? await driverOf(runtime, cloud) : null;
  if (!driver || !isResizeDriver(driver)) {
    throw new DomainError(
      'invalid',
      'resize_unsupported',
      `Overcast cannot resize ${label(cloud)} machines; make a new machine of the size you need.`,
    );
  }
  return driver;
}

/** The driver of a cloud whose provider clones machines (`features.clone`). */
export async function cloneDriverOf(runtime: DriverRuntime, cloud: Cloud): Promise<CloneDriver> {
  const driver = featuresOf(cloud.provider).clone ? await driverOf(runtime, cloud) : null;
  if (!driver || !isCloneDriver(driver)) {
    throw new DomainError(
      'invalid',
      'clone_unsupported',
      `Overcast cannot clone ${label(cloud)} machines; take a snapshot and make a machine from it instead.`,
    );
  }
  return driver;
}
