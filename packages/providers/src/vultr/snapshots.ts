// Snapshots and resizing of Vultr instances.
// A Vultr snapshot belongs to the account and, once taken, names no instance: its only free
// field is the description. So Overcast writes the instance's id into the description it gives
// ("<name> (of instance <id>)") and reads an instance's snapshots back by it; a snapshot taken
// elsewhere (Vultr's portal) has no such mark and is nobody's here, since it could be of anything.
// Reverting is `restore`, which rewrites the instance's disk in place.
// Resizing is a plan change (PATCH /instances/{id}); Vultr upgrades only, and says to which plans
// in /instances/{id}/upgrades.

import type { RemoteSnapshot, SnapshotState } from '@overcast/contracts';
import { collect, type JsonApi, parseDate } from '../common/json-api';
import { requireOwnSnapshot, type SnapshotPart } from '../common/with-snapshots';
import { vultrId, vultrPages } from './wire';

interface VultrWireSnapshot {
  id?: string;
  date_created?: string;
  description?: string;
  /** Bytes. */
  size?: number;
  status?: string;
}

const STATES: Record<string, SnapshotState> = { complete: 'available', pending: 'creating' };
const MARK = /^(.*) \(of instance ([A-Za-z0-9-]{1,64})\)$/s;
const GIB = 1024 ** 3;

const describe = (name: string, instanceId: string) => `${name} (of instance ${instanceId})`;

function toSnapshot(s: VultrWireSnapshot, name: string): RemoteSnapshot {
  return {
    externalId: s.id ?? '',
    name,
    state: STATES[s.status ?? ''] ?? 'error',
    createdAt: parseDate(s.date_created),
    sizeGb: typeof s.size === 'number' ? Math.round((s.size / GIB) * 100) / 100 : null,
  };
}

export class VultrSnapshots implements SnapshotPart {
  /** `restore` rewrites the instance's disk from the snapshot, in place. */
  readonly canRevertSnapshots = true;

  constructor(private readonly api: JsonApi) {}

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    const instance = vultrId(machineExternalId, 'instance');
    const all = await collect(vultrPages<VultrWireSnapshot>(this.api, '/snapshots', 'snapshots'));
    return all.flatMap((s) => {
      const mark = MARK.exec(s.description ?? '');
      return mark && mark[2] === instance && s.id ? [toSnapshot(s, mark[1]!)] : [];
    });
  }

  /** Vultr takes it in the background: `pending` until it is `complete`. */
  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    const instance = vultrId(machineExternalId, 'instance');
    await this.api.request('POST', '/snapshots', {
      body: { instance_id: instance, description: describe(name, instance) },
    });
  }

  /** Vultr answers once the restore has begun; the instance reinstalls from the snapshot and boots. */
  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const instance = vultrId(machineExternalId, 'instance');
    await this.api.request('POST', `/instances/${instance}/restore`, {
      body: { snapshot_id: vultrId(snapshotExternalId, 'snapshot', 'not-found') },
    });
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    await requireOwnSnapshot(this, machineExternalId, snapshotExternalId, 'instance');
    await this.api.request('DELETE', `/snapshots/${vultrId(snapshotExternalId, 'snapshot')}`);
  }

  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    await this.api.request('PATCH', `/instances/${vultrId(externalId, 'instance')}`, {
      body: { plan: sizeId },
      idempotent: true,
    });
  }

  async resizeTargets(externalId: string): Promise<string[]> {
    const answer = await this.api.request<{ upgrades?: { plans?: string[] } }>(
      'GET',
      `/instances/${vultrId(externalId, 'instance')}/upgrades`,
      { query: { type: 'plans' } },
    );
    return answer?.upgrades?.plans ?? [];
  }
}
