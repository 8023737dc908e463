// A Linode's snapshots are its Backup Service's backups (/linode/instances/{id}/backups): the
// automatic ones the service takes, and one manual snapshot that the next replaces. Both need
// the service enabled on the Linode, and Linode deletes neither on request, so the driver says
// `canDeleteSnapshots: false` rather than pretending.

import { ProviderError, type RemoteSnapshot, type SnapshotState } from '@overcast/contracts';
import { type JsonApi, parseDate } from '../common/json-api';
import { numericId, untilStatusLeaves } from './wire';

interface LinodeWireBackup {
  id: number;
  label?: string | null;
  type?: 'auto' | 'snapshot';
  status?: string;
  created?: string;
  finished?: string | null;
  disks?: Array<{ size?: number }>;
}

interface LinodeWireBackups {
  automatic?: LinodeWireBackup[];
  snapshot?: { current?: LinodeWireBackup | null; in_progress?: LinodeWireBackup | null };
}

const STATES: Record<string, SnapshotState> = {
  successful: 'available',
  pending: 'creating',
  running: 'creating',
  needsPostProcessing: 'creating',
  paused: 'creating',
  failed: 'error',
  userAborted: 'error',
};

function toSnapshot(b: LinodeWireBackup): RemoteSnapshot {
  const mb = (b.disks ?? []).reduce((sum, d) => sum + (d.size ?? 0), 0);
  const created = parseDate(b.created);
  return {
    externalId: String(b.id),
    name: b.label || `Automatic backup ${created?.toISOString().slice(0, 10) ?? b.id}`,
    state: STATES[b.status ?? ''] ?? 'error',
    createdAt: created,
    sizeGb: mb > 0 ? Math.round(mb / 1024) : null,
  };
}

/** Linode's answer when the Backup Service is off, with what to do about it. */
function explained(err: unknown): unknown {
  if (err instanceof ProviderError && /backups are not enabled/i.test(err.message)) {
    return new ProviderError(
      'conflict',
      `${err.message} Enable the Backup Service on the Linode (Cloud Manager → the Linode → Backups, a monthly charge) and take the snapshot again.`,
      { ...err.options, cause: err },
    );
  }
  return err;
}

export class LinodeBackups {
  constructor(private readonly api: JsonApi) {}

  async list(machineExternalId: string): Promise<RemoteSnapshot[]> {
    const id = numericId(machineExternalId, 'Linode', 'not-found');
    const b = await this.api.request<LinodeWireBackups>('GET', `/linode/instances/${id}/backups`);
    const all = [...(b?.automatic ?? []), b?.snapshot?.current, b?.snapshot?.in_progress];
    return all.filter((x): x is LinodeWireBackup => !!x).map(toSnapshot);
  }

  /** The manual snapshot; Linode drops the previous one when this one is done. */
  async create(machineExternalId: string, name: string): Promise<void> {
    const id = numericId(machineExternalId, 'Linode', 'not-found');
    try {
      await this.api.request('POST', `/linode/instances/${id}/backups`, { body: { label: name } });
    } catch (err) {
      throw explained(err);
    }
  }

  /** Restores over the Linode's own disks (`overwrite`), waiting until it is no longer `restoring`. */
  async restore(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const id = numericId(machineExternalId, 'Linode', 'not-found');
    const backup = numericId(snapshotExternalId, 'backup', 'not-found');
    await this.api.request('POST', `/linode/instances/${id}/backups/${backup}/restore`, {
      body: { linode_id: id, overwrite: true },
    });
    await untilStatusLeaves(this.api, id, 'restoring', 'restore');
  }

  /** Linode has no call that deletes a backup: the next snapshot replaces the manual one. */
  refuseDelete(): never {
    throw new ProviderError(
      'invalid',
      'Linode does not delete backups: the next snapshot replaces the manual one, and automatic backups expire on their own.',
    );
  }
}
