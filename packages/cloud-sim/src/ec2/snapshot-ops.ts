// EBS snapshots: taken of a volume (pending -> completed), listed, deleted. What EC2 refuses is
// refused here with its codes: a malformed or unknown id, an unknown volume.

import { Ec2Error, malformedId } from './errors';
import type { SimSnapshot } from './model';
import type { Ec2State, RegionState } from './state';
import { volumesIn } from './volume-ops';

const SNAPSHOT_ID = /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function snapshotsIn(region: RegionState, ids: string[]): SimSnapshot[] {
  for (const id of ids) if (!SNAPSHOT_ID.test(id)) throw malformedId('InvalidSnapshotID.Malformed', id);
  const missing = ids.filter((id) => !region.snapshots.get(id));
  if (missing.length > 0) {
    throw new Ec2Error(
      'InvalidSnapshot.NotFound',
      missing.length === 1
        ? `The snapshot '${missing[0]}' does not exist.`
        : `The snapshots '${missing.join(', ')}' do not exist.`,
    );
  }
  return ids.map((id) => region.snapshots.get(id)!);
}

export function createSnapshot(
  state: Ec2State,
  region: RegionState,
  volumeId: string,
  description: string,
  tags: Map<string, string>,
): SimSnapshot {
  const volume = volumesIn(region, [volumeId])[0]!;
  const snapshot: SimSnapshot = {
    id: state.newSnapshotId(),
    region: region.name,
    volumeId: volume.id,
    volumeSize: volume.size,
    description,
    status: 'pending',
    startTime: state.now(),
    encrypted: volume.encrypted,
    alive: true,
    tags: new Map(tags),
  };
  region.snapshots.set(snapshot.id, snapshot);
  state.scheduler.after(state.transitionMs, () => {
    if (snapshot.alive) snapshot.status = 'completed';
  });
  return snapshot;
}

export function deleteSnapshot(region: RegionState, snapshotId: string): void {
  const snapshot = snapshotsIn(region, [snapshotId])[0]!;
  snapshot.alive = false;
  region.snapshots.delete(snapshot.id);
}
