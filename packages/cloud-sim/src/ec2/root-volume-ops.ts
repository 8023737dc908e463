// Replacing a running instance's root volume with one made from a snapshot of it, as
// CreateReplaceRootVolumeTask does: the task is pending, the instance reboots on a new volume
// from the snapshot, and the old volume is detached (or deleted when asked). What EC2 refuses is
// refused here with its codes: an instance that is not running, a snapshot of another volume.

import { Ec2Error } from './errors';
import { instancesIn } from './instance-ops';
import type { SimReplaceRootVolumeTask } from './model';
import { snapshotsIn } from './snapshot-ops';
import type { Ec2State, RegionState } from './state';

export interface ReplaceRootVolumeSpec {
  instanceId: string;
  snapshotId?: string;
  deleteReplacedRootVolume: boolean;
  clientToken?: string;
  tags: Map<string, string>;
}

/** The volumes a root volume was made from, back to the first: a snapshot of any of them fits. */
function rootLineage(state: Ec2State, volumeId: string): Set<string> {
  const seen = new Set<string>();
  let id: string | undefined = volumeId;
  while (id && !seen.has(id)) {
    seen.add(id);
    const from: string | undefined = state.volumes.get(id)?.snapshotId;
    id = from
      ? state.regions.get(state.volumes.get(volumeId)!.region)?.snapshots.get(from)?.volumeId
      : undefined;
  }
  return seen;
}

export function replaceRootVolume(
  state: Ec2State,
  region: RegionState,
  spec: ReplaceRootVolumeSpec,
): SimReplaceRootVolumeTask {
  if (spec.clientToken) {
    const same = [...region.replaceRootVolumeTasks.values()].find((t) => t.clientToken === spec.clientToken);
    if (same) return same;
  }
  const instance = instancesIn(region, [spec.instanceId])[0]!;
  if (instance.state !== 'running')
    throw new Ec2Error(
      'IncorrectInstanceState',
      `The instance '${instance.id}' is not in a state from which it can be rebooted.`,
    );
  const rootId = instance.volumeIds[0];
  const root = rootId ? state.volumes.get(rootId) : undefined;
  if (!root)
    throw new Ec2Error('InvalidParameterValue', `The instance '${instance.id}' has no EBS root volume.`);
  const busy = [...region.replaceRootVolumeTasks.values()].find(
    (t) => t.instanceId === instance.id && (t.state === 'pending' || t.state === 'in-progress'),
  );
  if (busy)
    throw new Ec2Error(
      'IncorrectState',
      `The instance '${instance.id}' already has a replace root volume task (${busy.id}) in progress.`,
    );
  const snapshot = spec.snapshotId ? snapshotsIn(region, [spec.snapshotId])[0]! : undefined;
  if (snapshot && !rootLineage(state, root.id).has(snapshot.volumeId))
    throw new Ec2Error(
      'InvalidParameterValue',
      `The snapshot '${snapshot.id}' was not created from the root volume of instance '${instance.id}'.`,
    );
  if (snapshot && snapshot.status !== 'completed')
    throw new Ec2Error('IncorrectState', `The snapshot '${snapshot.id}' is not in a 'completed' state.`);
  const task: SimReplaceRootVolumeTask = {
    id: state.newReplaceRootVolumeTaskId(),
    instanceId: instance.id,
    snapshotId: snapshot?.id ?? '',
    state: 'pending',
    startTime: state.now(),
    deleteReplacedRootVolume: spec.deleteReplacedRootVolume,
    clientToken: spec.clientToken,
    tags: new Map(spec.tags),
  };
  region.replaceRootVolumeTasks.set(task.id, task);
  state.scheduler.after(state.transitionMs, () => {
    if (!instance.alive || instance.state !== 'running') {
      task.state = 'failed';
      task.completeTime = state.now();
      return;
    }
    // The new root volume: the snapshot's copy (or the launch image's, with no snapshot).
    const id = state.newVolumeId();
    state.addVolume({
      ...root,
      seq: state.nextSeq(),
      id,
      size: snapshot?.volumeSize ?? root.size,
      snapshotId: snapshot?.id ?? root.snapshotId,
      createTime: state.now(),
      version: 0,
      attachment: root.attachment && { ...root.attachment, attachTime: state.now() },
      tags: new Map(root.tags),
    });
    root.attachment = undefined;
    root.status = 'available';
    root.version += 1;
    instance.volumeIds = [id, ...instance.volumeIds.filter((v) => v !== root.id)];
    if (task.deleteReplacedRootVolume) {
      root.alive = false;
      state.deleteVolume(root);
    }
    instance.reboots += 1;
    instance.version += 1;
    task.state = 'succeeded';
    task.completeTime = state.now();
  });
  return task;
}
