import { randomUUID } from 'node:crypto';
import type { SimHandler, SimRequest, SimResponse } from '../common/server';
import { describeAddresses } from './actions/addresses';
import {
  describeAvailabilityZones,
  describeImages,
  describeInstanceTypes,
  describeRegions,
} from './actions/catalog';
import { getConsoleOutput } from './actions/console';
import type { ActionHandler } from './actions/context';
import {
  describeInstances,
  rebootInstances,
  runInstances,
  startInstances,
  stopInstances,
  terminateInstances,
} from './actions/instances';
import { deleteKeyPairAction, describeKeyPairs, importKeyPairAction } from './actions/key-pairs';
import {
  authorizeEgress,
  authorizeIngress,
  createSubnetAction,
  createVpcAction,
  deleteSubnetAction,
  deleteVpcAction,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
  revokeEgress,
  revokeIngress,
} from './actions/networks';
import {
  createReplaceRootVolumeTask,
  createSnapshotAction,
  deleteSnapshotAction,
  describeReplaceRootVolumeTasks,
  describeSnapshots,
  modifyInstanceAttribute,
} from './actions/snapshots';
import { createTags, deleteTags } from './actions/tags';
import {
  attachVolumeAction,
  createVolumeAction,
  deleteVolumeAction,
  describeVolumes,
  detachVolumeAction,
} from './actions/volumes';
import { authenticate } from './auth';
import { Ec2Error, renderError } from './errors';
import { QueryParams } from './params';
import type { Ec2State } from './state';
import { envelope } from './xml';

/** A Map, not an object: `Action=constructor` must not reach Object.prototype. */
const ACTIONS = new Map<string, ActionHandler>([
  ['DescribeInstances', describeInstances],
  ['RunInstances', runInstances],
  ['StartInstances', startInstances],
  ['StopInstances', stopInstances],
  ['RebootInstances', rebootInstances],
  ['TerminateInstances', terminateInstances],
  ['CreateTags', createTags],
  ['DeleteTags', deleteTags],
  ['DescribeVolumes', describeVolumes],
  ['CreateVolume', createVolumeAction],
  ['AttachVolume', attachVolumeAction],
  ['DetachVolume', detachVolumeAction],
  ['DeleteVolume', deleteVolumeAction],
  ['ImportKeyPair', importKeyPairAction],
  ['DescribeKeyPairs', describeKeyPairs],
  ['DeleteKeyPair', deleteKeyPairAction],
  ['DescribeRegions', describeRegions],
  ['DescribeAvailabilityZones', describeAvailabilityZones],
  ['DescribeInstanceTypes', describeInstanceTypes],
  ['DescribeImages', describeImages],
  ['DescribeAddresses', describeAddresses],
  ['DescribeVpcs', describeVpcs],
  ['CreateVpc', createVpcAction],
  ['DeleteVpc', deleteVpcAction],
  ['DescribeSubnets', describeSubnets],
  ['CreateSubnet', createSubnetAction],
  ['DeleteSubnet', deleteSubnetAction],
  ['DescribeSecurityGroups', describeSecurityGroups],
  ['AuthorizeSecurityGroupIngress', authorizeIngress],
  ['RevokeSecurityGroupIngress', revokeIngress],
  ['AuthorizeSecurityGroupEgress', authorizeEgress],
  ['RevokeSecurityGroupEgress', revokeEgress],
  ['GetConsoleOutput', getConsoleOutput],
  ['CreateSnapshot', createSnapshotAction],
  ['DescribeSnapshots', describeSnapshots],
  ['DeleteSnapshot', deleteSnapshotAction],
  ['CreateReplaceRootVolumeTask', createReplaceRootVolumeTask],
  ['DescribeReplaceRootVolumeTasks', describeReplaceRootVolumeTasks],
  ['ModifyInstanceAttribute', modifyInstanceAttribute],
]);

export const SUPPORTED_ACTIONS: readonly string[] = [...ACTIONS.keys()];

/** EC2 Query takes parameters from the query string (GET) and the form body (POST). */
function formOf(req: SimRequest): URLSearchParams {
  const form = new URLSearchParams(req.url.search);
  if (req.body.length > 0) {
    for (const [key, value] of new URLSearchParams(req.body.toString('utf8'))) form.append(key, value);
  }
  return form;
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface Ec2HandlerOptions {
  accessKeyIds: Iterable<string>;
}

/** The EC2 Query API over the given state. Every failure is answered in EC2's error format. */
export function createEc2Handler(state: Ec2State, options: Ec2HandlerOptions): SimHandler {
  const keys = new Set(options.accessKeyIds);
  return (req: SimRequest): SimResponse => {
    const requestId = randomUUID();
    try {
      state.settle();
      const form = formOf(req);
      const region = authenticate(state, keys, header(req, 'authorization'), req.url.searchParams);
      const params = QueryParams.parse(form);
      const action = params.str('Action') ?? '';
      const handler = ACTIONS.get(action);
      if (!handler)
        throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
      const body = handler({ state, region: state.region(region), params });
      return {
        status: 200,
        headers: { 'content-type': 'text/xml;charset=UTF-8', server: 'AmazonEC2' },
        body: envelope(action, requestId, body),
      };
    } catch (err) {
      if (err instanceof Ec2Error) return renderError(err, requestId);
      // A defect in the emulator still answers like EC2; the header helps whoever debugs it.
      const response = renderError(
        new Ec2Error('InternalError', 'An internal error has occurred', 500),
        requestId,
      );
      return {
        ...response,
        headers: {
          ...response.headers,
          'x-sim-error': String((err as Error)?.message ?? err)
            .replace(/[^\x20-\x7e]/g, ' ')
            .slice(0, 200),
        },
      };
    }
  };
}
