// VPCs, subnets and security groups over the Query API, rendered element for element as EC2
// does (compare describe_vpcs.xml, describe_subnets.xml, describe_security_groups.xml).

import { Ec2Error, invalidValue } from '../errors';
import { compileFilters, type FilterFields } from '../filters';
import {
  parseV4Cidr,
  type SimPermission,
  type SimSecurityGroup,
  type SimSubnet,
  type SimVpc,
} from '../networks';
import type { QueryParams } from '../params';
import type { RegionState } from '../state';
import { itemList, leaf, node, tagSet } from '../xml';
import { type ActionContext, checkDryRun } from './context';
import { tagsFor } from './tags';

const VPC_FILTERS: FilterFields<SimVpc> = {
  fields: {
    'vpc-id': (v) => v.id,
    'cidr-block': (v) => v.cidr,
    'is-default': (v) => v.isDefault,
    state: () => 'available',
  },
  tags: (v) => v.tags,
};

const SUBNET_FILTERS: FilterFields<SimSubnet> = {
  fields: {
    'subnet-id': (s) => s.id,
    'vpc-id': (s) => s.vpcId,
    'cidr-block': (s) => s.cidr,
    'availability-zone': (s) => s.zone,
    'default-for-az': (s) => s.defaultForAz,
    state: () => 'available',
  },
  tags: (s) => s.tags,
};

const GROUP_FILTERS: FilterFields<SimSecurityGroup> = {
  fields: {
    'group-id': (g) => g.id,
    'group-name': (g) => g.name,
    'vpc-id': (g) => g.vpcId,
  },
  tags: (g) => g.tags,
};

function select<T extends { id: string }>(
  all: Iterable<T>,
  ids: string[],
  lookup: (id: string) => T,
  match: (item: T) => boolean,
): T[] {
  const items = ids.length > 0 ? ids.map(lookup) : [...all];
  return items.filter(match);
}

function vpcXml(region: RegionState, vpc: SimVpc, ownerId: string): string {
  return (
    leaf('vpcId', vpc.id) +
    leaf('ownerId', ownerId) +
    leaf('state', 'available') +
    leaf('cidrBlock', vpc.cidr) +
    itemList(
      'cidrBlockAssociationSet',
      [vpc.cidr],
      (cidr) =>
        leaf('cidrBlock', cidr) +
        leaf('associationId', vpc.id.replace('vpc-', 'vpc-cidr-assoc-')) +
        node('cidrBlockState', leaf('state', 'associated')),
    ) +
    leaf('dhcpOptionsId', `dopt-${region.vpcId.slice(4, 12)}`) +
    tagSet(vpc.tags) +
    leaf('instanceTenancy', 'default') +
    leaf('isDefault', vpc.isDefault)
  );
}

function subnetXml(region: RegionState, subnet: SimSubnet, ownerId: string, used: number): string {
  const bits = Number(subnet.cidr.split('/')[1]);
  // EC2 keeps five addresses of every subnet for itself.
  const available = 2 ** (32 - bits) - 5 - used;
  return (
    leaf('subnetId', subnet.id) +
    leaf('subnetArn', `arn:aws:ec2:${region.name}:${ownerId}:subnet/${subnet.id}`) +
    leaf('state', 'available') +
    leaf('ownerId', ownerId) +
    leaf('vpcId', subnet.vpcId) +
    leaf('cidrBlock', subnet.cidr) +
    leaf('availableIpAddressCount', available) +
    leaf('availabilityZone', subnet.zone) +
    leaf('availabilityZoneId', region.zoneId(subnet.zone)) +
    leaf('defaultForAz', subnet.defaultForAz) +
    leaf('mapPublicIpOnLaunch', subnet.defaultForAz) +
    tagSet(subnet.tags)
  );
}

/** EC2 lists one permission per protocol and port range, with every CIDR under it. */
function permissionsXml(tag: string, permissions: SimPermission[]): string {
  const groups = new Map<string, SimPermission[]>();
  for (const p of permissions) {
    const key = `${p.protocol}/${p.fromPort}/${p.toPort}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return itemList(tag, groups.values(), (list) => {
    const first = list[0]!;
    return (
      leaf('ipProtocol', first.protocol) +
      leaf('fromPort', first.fromPort) +
      leaf('toPort', first.toPort) +
      node('groups', '') +
      itemList(
        'ipRanges',
        list.filter((p) => !p.ipv6),
        (p) => leaf('cidrIp', p.cidr),
      ) +
      itemList(
        'ipv6Ranges',
        list.filter((p) => p.ipv6),
        (p) => leaf('cidrIpv6', p.cidr),
      ) +
      node('prefixListIds', '')
    );
  });
}

function groupXml(group: SimSecurityGroup, ownerId: string): string {
  return (
    leaf('ownerId', ownerId) +
    leaf('groupId', group.id) +
    leaf('groupName', group.name) +
    leaf('groupDescription', group.description) +
    leaf('vpcId', group.vpcId) +
    permissionsXml('ipPermissions', group.ingress) +
    permissionsXml('ipPermissionsEgress', group.egress) +
    tagSet(group.tags)
  );
}

export function describeVpcs({ state, region, params }: ActionContext): string {
  const match = compileFilters(params.filters(), VPC_FILTERS);
  const vpcs = select(region.net.vpcs.values(), params.list('VpcId'), (id) => region.net.vpc(id), match);
  return itemList('vpcSet', vpcs, (v) => vpcXml(region, v, state.accountId));
}

export function createVpcAction({ state, region, params }: ActionContext): string {
  const cidr = params.required('CidrBlock');
  const tags = tagsFor(params.tagSpecifications(), ['vpc']).get('vpc') ?? new Map();
  checkDryRun(params);
  return node('vpc', vpcXml(region, region.net.createVpc(cidr, tags), state.accountId));
}

export function deleteVpcAction({ region, params }: ActionContext): string {
  const id = params.required('VpcId');
  checkDryRun(params);
  region.net.deleteVpc(id);
  return leaf('return', true);
}

const instancesInSubnet = (region: RegionState, subnetId: string) =>
  [...region.instances.values()].filter((i) => i.subnetId === subnetId && i.state !== 'terminated').length;

export function describeSubnets({ state, region, params }: ActionContext): string {
  const match = compileFilters(params.filters(), SUBNET_FILTERS);
  const subnets = select(
    region.net.subnets.values(),
    params.list('SubnetId'),
    (id) => region.net.subnet(id),
    match,
  );
  return itemList('subnetSet', subnets, (s) =>
    subnetXml(region, s, state.accountId, instancesInSubnet(region, s.id)),
  );
}

export function createSubnetAction({ state, region, params }: ActionContext): string {
  const vpcId = params.required('VpcId');
  const cidr = params.required('CidrBlock');
  const zone = params.str('AvailabilityZone') ?? region.zoneNames[0]!;
  if (!region.zoneNames.includes(zone))
    throw invalidValue(
      `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${region.zoneNames.join(', ')}.`,
    );
  const tags = tagsFor(params.tagSpecifications(), ['subnet']).get('subnet') ?? new Map();
  checkDryRun(params);
  const subnet = region.net.createSubnet(vpcId, cidr, zone, tags);
  return node('subnet', subnetXml(region, subnet, state.accountId, 0));
}

export function deleteSubnetAction({ region, params }: ActionContext): string {
  const id = params.required('SubnetId');
  checkDryRun(params);
  region.net.deleteSubnet(id, instancesInSubnet(region, id) > 0);
  return leaf('return', true);
}

export function describeSecurityGroups({ state, region, params }: ActionContext): string {
  const match = compileFilters(params.filters(), GROUP_FILTERS);
  const groups = select(
    region.net.groups.values(),
    params.list('GroupId'),
    (id) => region.net.group(id),
    match,
  );
  return itemList('securityGroupInfo', groups, (g) => groupXml(g, state.accountId));
}

const PROTOCOLS = new Map([
  ['tcp', 'tcp'],
  ['6', 'tcp'],
  ['udp', 'udp'],
  ['17', 'udp'],
  ['icmp', 'icmp'],
  ['1', 'icmp'],
  ['-1', '-1'],
  ['all', '-1'],
]);

/** `IpPermissions.N` read into one permission per CIDR, with EC2's checks on ports. */
function readPermissions(params: QueryParams): SimPermission[] {
  const out: SimPermission[] = [];
  for (const p of params.structs('IpPermissions')) {
    const raw = p.required('IpProtocol').toLowerCase();
    const protocol = PROTOCOLS.get(raw);
    if (!protocol) throw invalidValue(`Invalid value '${raw}' for IP protocol. Unknown protocol.`);
    const ported = protocol === 'tcp' || protocol === 'udp';
    const fromPort = p.int('FromPort', { min: -1, max: 65535, param: 'fromPort' });
    const toPort = p.int('ToPort', { min: -1, max: 65535, param: 'toPort' });
    if (ported && (fromPort === undefined || toPort === undefined || fromPort < 0 || toPort < fromPort)) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `Invalid value '${fromPort ?? ''}-${toPort ?? ''}' for ports: must be from 0 to 65535, from <= to.`,
      );
    }
    const ports = ported
      ? { fromPort, toPort }
      : protocol === 'icmp'
        ? { fromPort: fromPort ?? -1, toPort: toPort ?? -1 }
        : {};
    const v4 = p.structs('IpRanges').map((r) => r.required('CidrIp'));
    const v6 = p.structs('Ipv6Ranges').map((r) => r.required('CidrIpv6'));
    for (const cidr of v4) {
      parseV4Cidr(cidr, 'cidrIp');
      out.push({ protocol, ...ports, cidr, ipv6: false });
    }
    for (const cidr of v6) {
      if (!/^[0-9a-f:]+\/\d{1,3}$/i.test(cidr)) throw invalidValue(`CIDR block ${cidr} is malformed`);
      out.push({ protocol, ...ports, cidr: cidr.toLowerCase(), ipv6: true });
    }
  }
  if (out.length === 0) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter ipPermissions');
  }
  return out;
}

const permissionAction =
  (change: 'authorize' | 'revoke', direction: 'ingress' | 'egress') =>
  ({ region, params }: ActionContext): string => {
    const groupId = params.required('GroupId');
    const permissions = readPermissions(params);
    checkDryRun(params);
    region.net[change](groupId, direction, permissions);
    return leaf('return', true);
  };

export const authorizeIngress = permissionAction('authorize', 'ingress');
export const revokeIngress = permissionAction('revoke', 'ingress');
export const authorizeEgress = permissionAction('authorize', 'egress');
export const revokeEgress = permissionAction('revoke', 'egress');
