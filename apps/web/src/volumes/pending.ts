import { createStore } from '../live/store';

/** A volume operation sent to the provider; the next volume poll shows its result. */
export type PendingVolumeOp =
  | { op: 'attach' | 'detach'; machineId: string; machineName: string; since: number }
  | { op: 'delete'; since: number };

export interface PendingCreate {
  key: string;
  cloudId: string;
  cloudTitle: string;
  name: string;
  sizeGb: number;
  location: string;
  since: number;
}

const TIMEOUT_MS = 180_000;

export const pendingVolumeOps = createStore<ReadonlyMap<string, PendingVolumeOp>>(new Map());
export const pendingCreates = createStore<readonly PendingCreate[]>([]);

export function markVolumeOp(volumeId: string, op: PendingVolumeOp): void {
  pendingVolumeOps.set((previous) => new Map(previous).set(volumeId, op));
  setTimeout(() => clearVolumeOp(volumeId, op), TIMEOUT_MS);
}

export function clearVolumeOp(volumeId: string, only?: PendingVolumeOp): void {
  const current = pendingVolumeOps.get().get(volumeId);
  if (!current || (only && current !== only)) return;
  pendingVolumeOps.set((previous) => {
    const next = new Map(previous);
    next.delete(volumeId);
    return next;
  });
}

export function markCreate(create: Omit<PendingCreate, 'key' | 'since'>): void {
  const entry = { ...create, key: `${create.cloudId}:${create.name}:${Date.now()}`, since: Date.now() };
  pendingCreates.set((previous) => [...previous, entry]);
  setTimeout(() => clearCreate(entry.key), TIMEOUT_MS);
}

export function clearCreate(key: string): void {
  pendingCreates.set((previous) => previous.filter((c) => c.key !== key));
}
