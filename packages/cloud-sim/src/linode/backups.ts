import { ApiError, isObject, isoSeconds } from '../common/token-api';
import { fieldError, type LinodeIds } from './shared';

// The Linode Backup Service of one Linode, as /v4/linode/instances/{id}/backups shows it: the
// automatic backups the service takes on its own, and the one manual snapshot, which the next
// snapshot replaces (Linode has no call that deletes either kind). A snapshot is taken in the
// background; a restore rewrites the target Linode's disks while it is `restoring`.

export type LinodeBackupStatus =
  | 'pending'
  | 'running'
  | 'needsPostProcessing'
  | 'successful'
  | 'failed'
  | 'userAborted'
  | 'paused';

export interface SimLinodeBackup {
  id: number;
  label: string | null;
  type: 'auto' | 'snapshot';
  status: LinodeBackupStatus;
  created: string;
  updated: string;
  finished: string | null;
  region: string;
  /** The Linode's disk as it was, in MB, and the image it came from. */
  diskMb: number;
  image: string | null;
}

export interface SimLinodeBackups {
  enabled: boolean;
  automatic: SimLinodeBackup[];
  current: SimLinodeBackup | null;
  inProgress: SimLinodeBackup | null;
}

/** What a backup is taken of: the Linode's id, region, disk and image. */
export interface BackedUp {
  id: number;
  region: { id: string };
  diskMb: number;
  image: { id: string } | null;
  backups: SimLinodeBackups;
}

export const noBackups = (enabled = false): SimLinodeBackups => ({
  enabled,
  automatic: [],
  current: null,
  inProgress: null,
});

const notEnabled = () => fieldError(null, 'Backups are not enabled for this Linode.');

function backupOf(ids: LinodeIds, linode: BackedUp, type: SimLinodeBackup['type'], label: string | null) {
  const now = isoSeconds(Date.now(), '');
  return {
    id: ids.next(),
    label,
    type,
    status: 'pending' as LinodeBackupStatus,
    created: now,
    updated: now,
    finished: null,
    region: linode.region.id,
    diskMb: linode.diskMb,
    image: linode.image?.id ?? null,
  };
}

const finish = (backup: SimLinodeBackup) => {
  backup.status = 'successful';
  backup.finished = isoSeconds(Date.now(), '');
  backup.updated = backup.finished;
};

/** Every backup of the Linode, automatic and manual, the one being taken included. */
export const backupsOf = (b: SimLinodeBackups): SimLinodeBackup[] =>
  [...b.automatic, b.current, b.inProgress].filter((x): x is SimLinodeBackup => x !== null);

export class LinodeBackupService {
  constructor(
    private readonly ids: LinodeIds,
    private readonly later: (delayMs: number, run: () => void) => void,
    private readonly delayMs: () => number,
  ) {}

  enable(linode: BackedUp): void {
    linode.backups.enabled = true;
  }

  /** Cancelling the service deletes every backup of the Linode: the only way Linode removes them. */
  cancel(linode: BackedUp): void {
    if (!linode.backups.enabled) throw notEnabled();
    linode.backups = noBackups();
  }

  /** POST .../backups {label}: starts the manual snapshot; the one it replaces goes when it is done. */
  takeSnapshot(linode: BackedUp, body: unknown): SimLinodeBackup {
    const b = linode.backups;
    if (!b.enabled) throw notEnabled();
    const label = isObject(body) ? body.label : undefined;
    if (typeof label !== 'string' || label.length < 1 || label.length > 255)
      throw fieldError('label', 'Length must be 1-255 characters');
    if (b.inProgress) throw fieldError(null, 'A snapshot is already in progress for this Linode.');
    const snapshot = backupOf(this.ids, linode, 'snapshot', label);
    b.inProgress = snapshot;
    this.later(this.delayMs(), () => {
      if (linode.backups.inProgress !== snapshot) return;
      finish(snapshot);
      linode.backups.current = snapshot;
      linode.backups.inProgress = null;
    });
    return snapshot;
  }

  /** The service's own nightly run, taken now: what a Linode with backups enabled accrues. */
  runAutomatic(linode: BackedUp): SimLinodeBackup {
    if (!linode.backups.enabled) throw notEnabled();
    const backup = backupOf(this.ids, linode, 'auto', null);
    finish(backup);
    linode.backups.automatic.push(backup);
    return backup;
  }

  /** The backup `backupId` of `linode`, ready to restore; Linode answers 404 for another Linode's. */
  restorable(linode: BackedUp, backupId: number): SimLinodeBackup {
    const backup = backupsOf(linode.backups).find((x) => x.id === backupId);
    if (!backup) throw new ApiError(404, 'not_found', 'Not found');
    if (backup.status !== 'successful') throw fieldError(null, 'Backup is not available for restore.');
    return backup;
  }

  /** Checks a restore's body against its target: Linode restores within one region, over the target's disks. */
  checkRestore(backup: SimLinodeBackup, target: BackedUp, body: Record<string, unknown>): void {
    if (target.region.id !== backup.region)
      throw fieldError('linode_id', 'Linode and backup must be in the same region.');
    if (body.overwrite !== true)
      throw fieldError(
        'overwrite',
        'The target Linode does not have enough free disk space for this backup; restore with overwrite.',
      );
  }
}

/** A backup as Linode's JSON shows it. */
export const backupJson = (b: SimLinodeBackup) => ({
  id: b.id,
  label: b.label,
  type: b.type,
  status: b.status,
  available: b.status === 'successful',
  created: b.created,
  updated: b.updated,
  finished: b.finished,
  region: b.region,
  configs: ['My Debian Profile'],
  disks: [
    { label: 'Boot Disk', size: b.diskMb - 512, filesystem: 'ext4' },
    { label: 'Swap Image', size: 512, filesystem: 'swap' },
  ],
});
