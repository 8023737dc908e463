import {
  type ProviderDriver,
  ProviderError,
  type ResizeDriver,
  type SnapshotDriver,
} from '@overcast/contracts';

// A driver taking on its provider's snapshot and resize part (hetzner/snapshots.ts,
// vultr/snapshots.ts) without forwarding every method, as withNetworks does for networks.

/** What a snapshot and resize part holds: SnapshotDriver and ResizeDriver without the driver itself. */
export type SnapshotPart = Omit<SnapshotDriver & ResizeDriver, keyof ProviderDriver>;

const METHODS = [
  'listSnapshots',
  'createSnapshot',
  'revertSnapshot',
  'deleteSnapshot',
  'resizeMachine',
  'resizeTargets',
  'resizesRunning',
] as const satisfies readonly (keyof SnapshotPart)[];

/** `driver` with the methods and the revert flags of `part`, bound to it. */
export function withSnapshots<D extends object>(
  driver: D,
  part: SnapshotPart,
): D & SnapshotDriver & ResizeDriver {
  for (const name of METHODS) {
    const method = part[name];
    if (typeof method === 'function')
      Object.defineProperty(driver, name, { value: method.bind(part), enumerable: false });
  }
  Object.defineProperty(driver, 'canRevertSnapshots', { value: part.canRevertSnapshots, enumerable: false });
  Object.defineProperty(driver, 'revertNeeds', { value: part.revertNeeds, enumerable: false });
  return driver as D & SnapshotDriver & ResizeDriver;
}

/**
 * Refuses a snapshot that is not among the machine's own, as not found, before it is deleted: the
 * provider would delete any of the account's, and it is asked through this machine. `what` names
 * the machine in the provider's words (server, instance).
 */
export async function requireOwnSnapshot(
  part: Pick<SnapshotPart, 'listSnapshots'>,
  machineExternalId: string,
  snapshotExternalId: string,
  what: string,
): Promise<void> {
  const owned = await part.listSnapshots(machineExternalId);
  if (!owned.some((s) => s.externalId === snapshotExternalId))
    throw new ProviderError('not-found', `The ${what} has no snapshot ${snapshotExternalId}.`);
}
