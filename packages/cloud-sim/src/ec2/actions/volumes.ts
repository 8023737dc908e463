import { Ec2Error, missingParameter } from '../errors';
import { compileFilters, type FilterFields } from '../filters';
import type { SimVolume } from '../model';
import { encodeToken, readPage } from '../pagination';
import { attachmentXml, volumeFieldsXml } from '../render';
import {
  attachVolume,
  createVolume,
  deleteVolume,
  detachVolume,
  type VolumeSpec,
  volumesIn,
} from '../volume-ops';
import { flatten, isoTime, itemList, leaf } from '../xml';
import { type ActionContext, checkDryRun } from './context';
import { tagsFor } from './tags';

const VOLUME_FILTERS: FilterFields<SimVolume> = {
  fields: {
    'volume-id': (v) => v.id,
    status: (v) => v.status,
    'availability-zone': (v) => v.zone,
    size: (v) => v.size,
    'volume-type': (v) => v.volumeType,
    encrypted: (v) => v.encrypted,
    'snapshot-id': (v) => v.snapshotId,
    'create-time': (v) => isoTime(v.createTime),
    'attachment.instance-id': (v) => v.attachment?.instanceId,
    'attachment.status': (v) => v.attachment?.status,
    'attachment.device': (v) => v.attachment?.device,
    'attachment.delete-on-termination': (v) => v.attachment?.deleteOnTermination,
  },
  tags: (v) => v.tags,
};

export function describeVolumes({ region, params }: ActionContext): string {
  const ids = params.list('VolumeId');
  const page = readPage(params, 'DescribeVolumes', region.name, {
    min: 5,
    max: 500,
    default: Number.POSITIVE_INFINITY,
    idsParam: 'volumeSet',
    ids,
  });
  const match = compileFilters(params.filters(), VOLUME_FILTERS);
  const render = (v: SimVolume) => flatten(volumeFieldsXml(v, true));
  if (ids.length > 0) return itemList('volumeSet', volumesIn(region, ids).filter(match), render);
  const result = region.volumes.page(page.afterSeq, page.limit, match);
  return (
    itemList('volumeSet', result.items, render) +
    (result.more ? leaf('nextToken', encodeToken('DescribeVolumes', region.name, result.lastSeq)) : '')
  );
}

function volumeFingerprint(spec: VolumeSpec): string {
  return JSON.stringify([spec.zone, spec.size, spec.volumeType, spec.iops, spec.throughput, spec.encrypted]);
}

export function createVolumeAction({ state, region, params }: ActionContext): string {
  const tags = tagsFor(params.tagSpecifications(), ['volume']);
  const spec: VolumeSpec = {
    zone: params.required('AvailabilityZone'),
    size: params.int('Size', { param: 'size' }),
    volumeType: params.str('VolumeType'),
    iops: params.int('Iops', { param: 'iops' }),
    throughput: params.int('Throughput', { param: 'throughput' }),
    encrypted: params.bool('Encrypted'),
    snapshotId: params.str('SnapshotId'),
    tags: tags.get('volume'),
  };
  checkDryRun(params);
  const token = params.str('ClientToken');
  const tokenKey = token ? `CreateVolume:${token}` : undefined;
  const previous = tokenKey ? region.clientTokens.get(tokenKey) : undefined;
  let volume: SimVolume | undefined;
  if (previous) {
    if (previous.fingerprint !== volumeFingerprint(spec)) {
      throw new Ec2Error(
        'IdempotentParameterMismatch',
        'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
      );
    }
    volume = region.volumes.get(previous.ids[0] ?? '');
    if (!volume)
      throw new Ec2Error('InvalidVolume.NotFound', `The volume '${previous.ids[0]}' does not exist.`);
  } else {
    volume = createVolume(state, region, spec);
    if (tokenKey)
      region.clientTokens.set(tokenKey, { fingerprint: volumeFingerprint(spec), ids: [volume.id] });
  }
  return volumeFieldsXml(volume, false);
}

export function attachVolumeAction({ state, region, params }: ActionContext): string {
  const volumeId = params.required('VolumeId');
  const instanceId = params.required('InstanceId');
  const device = params.required('Device');
  checkDryRun(params);
  return attachmentXml(attachVolume(state, region, volumeId, instanceId, device), false);
}

export function detachVolumeAction({ state, region, params }: ActionContext): string {
  const volumeId = params.required('VolumeId');
  const instanceId = params.str('InstanceId');
  checkDryRun(params);
  return attachmentXml(detachVolume(state, region, volumeId, instanceId), false);
}

export function deleteVolumeAction({ state, region, params }: ActionContext): string {
  const volumeId = params.str('VolumeId');
  if (!volumeId) throw missingParameter('VolumeId');
  checkDryRun(params);
  deleteVolume(state, region, volumeId);
  return leaf('return', true);
}
