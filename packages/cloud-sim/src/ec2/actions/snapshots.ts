import { missingParameter } from '../errors';
import { compileFilters, type FilterFields } from '../filters';
import { changeInstanceType } from '../instance-ops';
import type { SimReplaceRootVolumeTask, SimSnapshot } from '../model';
import { replaceRootVolume } from '../root-volume-ops';
import { createSnapshot, deleteSnapshot, snapshotsIn } from '../snapshot-ops';
import { isoTime, itemList, leaf, tagSet } from '../xml';
import { type ActionContext, checkDryRun } from './context';
import { tagsFor } from './tags';

const SNAPSHOT_FILTERS: FilterFields<SimSnapshot> = {
  fields: {
    'snapshot-id': (s) => s.id,
    'volume-id': (s) => s.volumeId,
    status: (s) => s.status,
    description: (s) => s.description,
    'volume-size': (s) => s.volumeSize,
  },
  tags: (s) => s.tags,
};

function snapshotXml(s: SimSnapshot, ownerId: string): string {
  return (
    leaf('snapshotId', s.id) +
    leaf('volumeId', s.volumeId) +
    leaf('status', s.status) +
    leaf('startTime', isoTime(s.startTime)) +
    leaf('progress', s.status === 'completed' ? '100%' : '0%') +
    leaf('ownerId', ownerId) +
    leaf('volumeSize', s.volumeSize) +
    leaf('description', s.description) +
    leaf('encrypted', s.encrypted) +
    (s.tags.size > 0 ? tagSet(s.tags) : '')
  );
}

export function createSnapshotAction({ state, region, params }: ActionContext): string {
  const volumeId = params.str('VolumeId');
  if (!volumeId) throw missingParameter('VolumeId');
  const tags = tagsFor(params.tagSpecifications(), ['snapshot']);
  checkDryRun(params);
  const snapshot = createSnapshot(
    state,
    region,
    volumeId,
    params.str('Description') ?? '',
    tags.get('snapshot') ?? new Map(),
  );
  return snapshotXml(snapshot, state.accountId);
}

/** The account's own snapshots (the emulator has no public ones), by id or filters. */
export function describeSnapshots({ state, region, params }: ActionContext): string {
  const ids = params.list('SnapshotId');
  const match = compileFilters(params.filters(), SNAPSHOT_FILTERS);
  const found = ids.length > 0 ? snapshotsIn(region, ids) : [...region.snapshots.values()];
  return itemList('snapshotSet', found.filter(match), (s) => snapshotXml(s, state.accountId));
}

export function deleteSnapshotAction({ region, params }: ActionContext): string {
  const snapshotId = params.str('SnapshotId');
  if (!snapshotId) throw missingParameter('SnapshotId');
  checkDryRun(params);
  deleteSnapshot(region, snapshotId);
  return leaf('return', true);
}

/** Only the instance type is modelled; other attributes are refused as unknown to the emulator. */
export function modifyInstanceAttribute({ region, params }: ActionContext): string {
  const instanceId = params.str('InstanceId');
  if (!instanceId) throw missingParameter('InstanceId');
  // The SDK sends InstanceType.Value; the older form names the attribute and its value.
  const type =
    params.sub('InstanceType').str('Value') ??
    (params.str('Attribute') === 'instanceType' ? params.str('Value') : undefined);
  if (!type) throw missingParameter('InstanceType');
  checkDryRun(params);
  changeInstanceType(region, instanceId, type);
  return leaf('return', true);
}

function replaceRootVolumeTaskXml(t: SimReplaceRootVolumeTask): string {
  return (
    leaf('replaceRootVolumeTaskId', t.id) +
    leaf('instanceId', t.instanceId) +
    leaf('taskState', t.state) +
    leaf('startTime', isoTime(t.startTime)) +
    (t.completeTime === undefined ? '' : leaf('completeTime', isoTime(t.completeTime))) +
    (t.snapshotId ? leaf('snapshotId', t.snapshotId) : '') +
    leaf('deleteReplacedRootVolume', t.deleteReplacedRootVolume) +
    (t.tags.size > 0 ? tagSet(t.tags) : '')
  );
}

/** A running instance's root volume replaced by one from a snapshot of it; the instance reboots. */
export function createReplaceRootVolumeTask({ state, region, params }: ActionContext): string {
  const instanceId = params.str('InstanceId');
  if (!instanceId) throw missingParameter('InstanceId');
  const tags = tagsFor(params.tagSpecifications(), ['replace-root-volume-task']);
  checkDryRun(params);
  const task = replaceRootVolume(state, region, {
    instanceId,
    snapshotId: params.str('SnapshotId'),
    deleteReplacedRootVolume: params.str('DeleteReplacedRootVolume') === 'true',
    clientToken: params.str('ClientToken'),
    tags: tags.get('replace-root-volume-task') ?? new Map(),
  });
  return `<replaceRootVolumeTask>${replaceRootVolumeTaskXml(task)}</replaceRootVolumeTask>`;
}

export function describeReplaceRootVolumeTasks({ region, params }: ActionContext): string {
  const ids = new Set(params.list('ReplaceRootVolumeTaskId'));
  const byInstance = params.filters().find((f) => f.name === 'instance-id')?.values;
  const found = [...region.replaceRootVolumeTasks.values()].filter(
    (t) => (ids.size === 0 || ids.has(t.id)) && (!byInstance || byInstance.includes(t.instanceId)),
  );
  return itemList('replaceRootVolumeTaskSet', found, replaceRootVolumeTaskXml);
}
