import { Ec2Error, missingParameter } from '../errors';
import { compileFilters, type FilterFields } from '../filters';
import {
  changeInstances,
  type InstanceOperation,
  instancesIn,
  type LaunchSpec,
  launchInstances,
} from '../instance-ops';
import { INSTANCE_STATE_CODES, type SimInstance } from '../model';
import { encodeToken, readPage } from '../pagination';
import { groupSet, instanceXml, reservationSetXml, reservationXml, stateXml } from '../render';
import { isoTime, itemList, leaf } from '../xml';
import { type ActionContext, checkDryRun } from './context';
import { tagsFor } from './tags';

const INSTANCE_FILTERS: FilterFields<SimInstance> = {
  fields: {
    'instance-id': (i) => i.id,
    'instance-state-name': (i) => i.state,
    'instance-state-code': (i) => INSTANCE_STATE_CODES[i.state],
    'instance-type': (i) => i.instanceType,
    'availability-zone': (i) => i.zone,
    'image-id': (i) => i.imageId,
    'key-name': (i) => i.keyName,
    'vpc-id': (i) => i.vpcId,
    'subnet-id': (i) => i.subnetId,
    'instance.group-id': (i) => i.securityGroup.id,
    'instance.group-name': (i) => i.securityGroup.name,
    'private-ip-address': (i) => i.privateIp,
    'ip-address': (i) => i.publicIp,
    architecture: (i) => i.architecture,
    platform: (i) => i.platform,
    'platform-details': (i) => i.platformDetails,
    'reservation-id': (i) => i.reservationId,
    'owner-id': (i) => i.ownerId,
    'launch-time': (i) => isoTime(i.launchTime),
    'client-token': (i) => i.clientToken,
  },
  tags: (i) => i.tags,
};

export function describeInstances({ state, region, params }: ActionContext): string {
  const ids = params.list('InstanceId');
  const page = readPage(params, 'DescribeInstances', region.name, {
    min: 5,
    max: 1000,
    default: Number.POSITIVE_INFINITY,
    idsParam: 'instancesSet',
    ids,
  });
  const match = compileFilters(params.filters(), INSTANCE_FILTERS);
  if (ids.length > 0) {
    return reservationSetXml(state, instancesIn(region, ids).filter(match));
  }
  const result = region.instances.page(page.afterSeq, page.limit, match);
  return (
    reservationSetXml(state, result.items) +
    (result.more ? leaf('nextToken', encodeToken('DescribeInstances', region.name, result.lastSeq)) : '')
  );
}

/** Everything that must match for a retried RunInstances to count as the same request. */
function launchFingerprint(spec: LaunchSpec): string {
  return JSON.stringify([
    spec.imageId,
    spec.instanceType,
    spec.minCount,
    spec.maxCount,
    spec.zone,
    spec.subnetId,
    spec.keyName,
  ]);
}

export function runInstances({ state, region, params }: ActionContext): string {
  const tags = tagsFor(params.tagSpecifications(), ['instance', 'volume']);
  const placement = params.sub('Placement');
  const spec: LaunchSpec = {
    imageId: params.required('ImageId'),
    instanceType: params.str('InstanceType'),
    minCount: params.int('MinCount', { param: 'minCount' }),
    maxCount: params.int('MaxCount', { param: 'maxCount' }),
    zone: placement.str('AvailabilityZone'),
    subnetId: params.str('SubnetId'),
    keyName: params.str('KeyName'),
    userData: params.str('UserData'),
    tags: tags.get('instance'),
    volumeTags: tags.get('volume'),
    clientToken: params.str('ClientToken'),
  };
  if (spec.minCount === undefined) throw missingParameter('MinCount');
  if (spec.maxCount === undefined) throw missingParameter('MaxCount');
  checkDryRun(params);
  const tokenKey = spec.clientToken ? `RunInstances:${spec.clientToken}` : undefined;
  const previous = tokenKey ? region.clientTokens.get(tokenKey) : undefined;
  let instances: SimInstance[];
  if (previous) {
    if (previous.fingerprint !== launchFingerprint(spec)) {
      throw new Ec2Error(
        'IdempotentParameterMismatch',
        'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
      );
    }
    instances = previous.ids
      .map((id) => region.instances.get(id))
      .filter((i): i is SimInstance => i !== undefined);
  } else {
    instances = launchInstances(state, region.name, spec);
    if (tokenKey)
      region.clientTokens.set(tokenKey, {
        fingerprint: launchFingerprint(spec),
        ids: instances.map((i) => i.id),
      });
  }
  const first = instances[0];
  if (!first)
    throw new Ec2Error('InvalidInstanceID.NotFound', 'The instances of this request no longer exist');
  let items = '';
  for (const instance of instances) items += `<item>${instanceXml(state, instance)}</item>`;
  // RunInstances answers with the reservation itself, not wrapped in a reservationSet.
  return reservationXml(first, items, groupSet(first));
}

function stateChanges(ctx: ActionContext, op: InstanceOperation, currentTag = 'currentState'): string {
  const ids = ctx.params.list('InstanceId');
  if (ids.length === 0) throw missingParameter('InstanceId');
  instancesIn(ctx.region, ids);
  checkDryRun(ctx.params);
  const changes = changeInstances(ctx.state, ctx.region, ids, op);
  return itemList(
    'instancesSet',
    changes,
    (c) => leaf('instanceId', c.id) + stateXml(currentTag, c.current) + stateXml('previousState', c.previous),
  );
}

export const startInstances = (ctx: ActionContext) => stateChanges(ctx, 'start');
export const stopInstances = (ctx: ActionContext) => stateChanges(ctx, 'stop');
export const terminateInstances = (ctx: ActionContext) => stateChanges(ctx, 'terminate');

export function rebootInstances(ctx: ActionContext): string {
  stateChanges(ctx, 'reboot');
  return leaf('return', true);
}
