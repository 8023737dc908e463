// Snapshots of a guest (QEMU VM or LXC container) at `…/{qemu|lxc}/{vmid}/snapshot`. Proxmox
// names a snapshot by a config id (a letter, then letters, digits, _ and -, at most 40), so the
// name is derived from the user's text, which is kept in the snapshot's description and shown
// back. Every write is a task, waited on.

import { ProviderError, type RemoteSnapshot } from '@overcast/contracts';
import type { PveClient } from './client';
import type { GuestType } from './map';
import type { TaskRunner } from './tasks';

export interface SnapshotGuest {
  node: string;
  type: GuestType;
  vmid: number;
  status?: string;
  lock?: string;
}

/** One entry of the snapshot list; `current` is the running state, not a snapshot. */
interface PveSnapshot {
  name?: string;
  description?: string;
  snaptime?: number;
  vmstate?: number;
}

const MAX = 40;

/** A snapshot name Proxmox accepts, made from the user's text: other marks become `_`, a letter first. */
export function snapshotNameOf(text: string): string {
  const body = text.trim().replace(/[^A-Za-z0-9_-]/g, '_');
  const named = /^[A-Za-z]/.test(body) ? body : `s${body}`;
  const name = named.slice(0, MAX);
  return name.length >= 2 ? name : `${name}_`;
}

const base = (g: SnapshotGuest) => `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}/snapshot`;

export async function listSnapshots(api: PveClient, g: SnapshotGuest): Promise<RemoteSnapshot[]> {
  const entries = (await api.request<PveSnapshot[] | null>('GET', base(g))) ?? [];
  const own = entries.filter(
    (s): s is PveSnapshot & { name: string } => typeof s.name === 'string' && s.name !== 'current',
  );
  // While a snapshot is being taken the guest holds the `snapshot` lock: the newest is not done.
  const newest = own.reduce<PveSnapshot | null>(
    (a, s) => (a === null || (s.snaptime ?? 0) >= (a.snaptime ?? 0) ? s : a),
    null,
  );
  return own.map((s) => {
    const said = s.description?.trim() ?? '';
    return {
      externalId: s.name,
      // The user's text when this name was made from it; a snapshot made in Proxmox keeps its name.
      name: said && snapshotNameOf(said) === s.name ? said : s.name,
      state: g.lock === 'snapshot' && s === newest ? 'creating' : 'available',
      createdAt: typeof s.snaptime === 'number' && s.snaptime > 0 ? new Date(s.snaptime * 1000) : null,
      sizeGb: null,
    };
  });
}

export function createSnapshot(tasks: TaskRunner, g: SnapshotGuest, text: string): Promise<void> {
  return tasks.run('POST', base(g), { snapname: snapshotNameOf(text), description: text.trim() }, false);
}

/**
 * Proxmox stops a running guest to roll it back and leaves it stopped unless the snapshot holds
 * its RAM; a guest that ran is asked to start again (`start`), so a revert leaves it as it was.
 */
export function revertSnapshot(tasks: TaskRunner, g: SnapshotGuest, name: string): Promise<void> {
  checkName(name);
  return tasks.run(
    'POST',
    `${base(g)}/${encodeURIComponent(name)}/rollback`,
    g.status === 'running' ? { start: true } : undefined,
    false,
  );
}

export function deleteSnapshot(tasks: TaskRunner, g: SnapshotGuest, name: string): Promise<void> {
  checkName(name);
  return tasks.run('DELETE', `${base(g)}/${encodeURIComponent(name)}`, undefined, true);
}

function checkName(name: string): void {
  if (name === 'current' || !/^[A-Za-z][A-Za-z0-9_-]{1,39}$/.test(name))
    throw new ProviderError('not-found', `snapshot '${name}' does not exist`);
}
