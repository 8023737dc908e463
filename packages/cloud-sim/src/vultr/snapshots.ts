// An account's snapshots (/v2/snapshots). Vultr takes one of an instance and keeps it as the
// account's, `pending` until it is `complete`; the snapshot names no instance afterwards, only the
// description its maker gave. An instance is restored from any complete snapshot in place
// (POST /v2/instances/{id}/restore): its disk is rewritten, the instance kept.

import { randomUUID } from 'node:crypto';
import { isObject, isoSeconds } from '../common/token-api';
import { vultrError } from './errors';

export interface SimVultrSnapshot {
  id: string;
  description: string;
  dateCreated: string;
  status: 'pending' | 'complete';
  /** Bytes: what the instance's disk held when it was taken. */
  size: number;
  osId: number;
  /** The instance it was taken of: the emulator's own record, never rendered (Vultr shows none). */
  takenOf: string;
}

/** What the snapshots need of their account: its instances and a way to finish things later. */
export interface VultrSnapshotHost {
  instance(id: string): { id: string; status: string; os: { id: number }; plan: { disk: number } };
  /** Applies what has fallen due. */
  settle(): void;
  later(run: () => void): void;
}

const GB = 1024 ** 3;
const bad = (message: string) => vultrError(400, message);

export class VultrSnapshots {
  readonly byId = new Map<string, SimVultrSnapshot>();

  constructor(private readonly host: VultrSnapshotHost) {}

  list(): SimVultrSnapshot[] {
    this.host.settle();
    return [...this.byId.values()];
  }

  get(id: string): SimVultrSnapshot {
    this.host.settle();
    const snapshot = this.byId.get(id);
    if (!snapshot) throw vultrError(404, 'Snapshot not found.');
    return snapshot;
  }

  create(body: unknown): SimVultrSnapshot {
    if (!isObject(body) || typeof body.instance_id !== 'string') throw bad('Invalid instance_id.');
    const instance = this.host.instance(body.instance_id);
    if (instance.status === 'pending') throw bad('Unable to snapshot: server is still being installed.');
    const description = body.description ?? '';
    if (typeof description !== 'string' || description.length > 255) throw bad('Invalid description.');
    const snapshot: SimVultrSnapshot = {
      id: randomUUID(),
      description,
      dateCreated: isoSeconds(Date.now(), '+00:00'),
      status: 'pending',
      // A fresh system's files: a small share of the plan's disk.
      size: Math.round(instance.plan.disk * 0.08 * GB),
      osId: instance.os.id,
      takenOf: instance.id,
    };
    this.byId.set(snapshot.id, snapshot);
    this.host.later(() => {
      snapshot.status = 'complete';
    });
    return snapshot;
  }

  delete(id: string): void {
    this.get(id);
    this.byId.delete(id);
  }

  /** The snapshot an instance is restored from: any complete one of the account. */
  forRestore(body: unknown): SimVultrSnapshot {
    const id = isObject(body) ? body.snapshot_id : undefined;
    if (typeof id !== 'string' || !this.byId.has(id)) throw bad('Invalid snapshot_id.');
    const snapshot = this.get(id);
    if (snapshot.status !== 'complete') throw bad('Snapshot is not complete yet.');
    return snapshot;
  }
}

export const snapshotJson = (s: SimVultrSnapshot) => ({
  id: s.id,
  date_created: s.dateCreated,
  description: s.description,
  size: s.size,
  compressed_size: Math.round(s.size * 0.4),
  status: s.status,
  os_id: s.osId,
  app_id: 0,
});
