// VPCs, subnets and security groups of one region, with the checks EC2 makes on them:
// CIDR sizes, subnets inside their VPC and not overlapping, nothing deleted while in use,
// duplicate and unknown permissions refused.

import { overlaps, readV4Cidr, type V4Range, within } from '../common/cidr';
import { Ec2Error, invalidValue, notFound } from './errors';
import { hashString, resourceId } from './ids';

export interface SimVpc {
  id: string;
  cidr: string;
  isDefault: boolean;
  tags: Map<string, string>;
}

export interface SimSubnet {
  id: string;
  vpcId: string;
  zone: string;
  cidr: string;
  defaultForAz: boolean;
  tags: Map<string, string>;
}

/** One IP permission with a single CIDR, as EC2 keeps them ("-1" is every protocol). */
export interface SimPermission {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr: string;
  ipv6: boolean;
}

export interface SimSecurityGroup {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  ingress: SimPermission[];
  egress: SimPermission[];
  tags: Map<string, string>;
}

type Range = V4Range;

/** An IPv4 CIDR as EC2 takes it: the address must be the network's first. */
export function parseV4Cidr(text: string, param: string): Range {
  const range = readV4Cidr(text);
  if (!range) {
    throw invalidValue(`Value (${text}) for parameter ${param} is invalid. This is not a valid CIDR block.`);
  }
  if (!range.aligned) throw invalidValue(`The CIDR '${text}' is invalid.`);
  return { base: range.base, bits: range.bits };
}

const SG_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;

export const samePermission = (a: SimPermission, b: SimPermission) =>
  a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.cidr === b.cidr;

/** Egress every group starts with: everything to everywhere. */
const ALLOW_ALL_OUT: SimPermission = { protocol: '-1', cidr: '0.0.0.0/0', ipv6: false };

export class RegionNetworks {
  readonly vpcs = new Map<string, SimVpc>();
  readonly subnets = new Map<string, SimSubnet>();
  readonly groups = new Map<string, SimSecurityGroup>();
  private counter = 1;
  private readonly salt: number;

  /** The region's default VPC with a default subnet per zone and its default group. */
  constructor(region: string, defaults: { vpcId: string; subnets: Map<string, string>; groupId: string }) {
    this.salt = hashString(`${region}/networks`);
    this.vpcs.set(defaults.vpcId, {
      id: defaults.vpcId,
      cidr: '172.31.0.0/16',
      isDefault: true,
      tags: new Map(),
    });
    let i = 0;
    for (const [zone, id] of defaults.subnets) {
      this.subnets.set(id, {
        id,
        vpcId: defaults.vpcId,
        zone,
        cidr: `172.31.${16 * i++}.0/20`,
        defaultForAz: true,
        tags: new Map(),
      });
    }
    this.groups.set(defaults.groupId, this.newGroup(defaults.groupId, 'default', defaults.vpcId));
  }

  private newGroup(id: string, name: string, vpcId: string): SimSecurityGroup {
    return {
      id,
      name,
      description: `${name} VPC security group`,
      vpcId,
      ingress: [],
      egress: [{ ...ALLOW_ALL_OUT }],
      tags: new Map(),
    };
  }

  vpc(id: string): SimVpc {
    if (!VPC_ID.test(id)) throw new Ec2Error('InvalidVpcID.Malformed', `Invalid id: "${id}"`);
    const vpc = this.vpcs.get(id);
    if (!vpc) throw new Ec2Error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    return vpc;
  }

  subnet(id: string): SimSubnet {
    if (!SUBNET_ID.test(id)) throw new Ec2Error('InvalidSubnetID.Malformed', `Invalid id: "${id}"`);
    const subnet = this.subnets.get(id);
    if (!subnet) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    return subnet;
  }

  group(id: string): SimSecurityGroup {
    if (!SG_ID.test(id)) throw new Ec2Error('InvalidGroupId.Malformed', `Invalid id: "${id}"`);
    const group = this.groups.get(id);
    if (!group) throw notFound('InvalidGroup.NotFound', 'security group', [id]);
    return group;
  }

  createVpc(cidr: string, tags: Map<string, string>): SimVpc {
    const range = parseV4Cidr(cidr, 'cidrBlock');
    if (range.bits < 16 || range.bits > 28) {
      throw new Ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
    }
    const n = this.counter++;
    const vpc: SimVpc = { id: resourceId('vpc', n, this.salt), cidr, isDefault: false, tags };
    this.vpcs.set(vpc.id, vpc);
    const groupId = resourceId('sg', n, this.salt);
    this.groups.set(groupId, this.newGroup(groupId, 'default', vpc.id));
    return vpc;
  }

  /** EC2 refuses while subnets or non-default groups remain; instances keep their subnet. */
  deleteVpc(id: string): void {
    const vpc = this.vpc(id);
    const dependent =
      [...this.subnets.values()].some((s) => s.vpcId === id) ||
      [...this.groups.values()].some((g) => g.vpcId === id && g.name !== 'default');
    if (dependent) {
      throw new Ec2Error('DependencyViolation', `The vpc '${id}' has dependencies and cannot be deleted.`);
    }
    for (const [gid, g] of this.groups) if (g.vpcId === vpc.id) this.groups.delete(gid);
    this.vpcs.delete(id);
  }

  createSubnet(vpcId: string, cidr: string, zone: string, tags: Map<string, string>): SimSubnet {
    const vpc = this.vpc(vpcId);
    const range = parseV4Cidr(cidr, 'cidrBlock');
    if (range.bits < 16 || range.bits > 28 || !within(range, parseV4Cidr(vpc.cidr, 'cidrBlock'))) {
      throw new Ec2Error('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
    }
    for (const other of this.subnets.values()) {
      if (other.vpcId === vpcId && overlaps(range, parseV4Cidr(other.cidr, 'cidrBlock'))) {
        throw new Ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
      }
    }
    const subnet: SimSubnet = {
      id: resourceId('subnet', this.counter++, this.salt),
      vpcId,
      zone,
      cidr,
      defaultForAz: false,
      tags,
    };
    this.subnets.set(subnet.id, subnet);
    return subnet;
  }

  deleteSubnet(id: string, inUse: boolean): void {
    this.subnet(id);
    if (inUse) {
      throw new Ec2Error('DependencyViolation', `The subnet '${id}' has dependencies and cannot be deleted.`);
    }
    this.subnets.delete(id);
  }

  authorize(groupId: string, direction: 'ingress' | 'egress', permissions: SimPermission[]): void {
    const group = this.group(groupId);
    const list = group[direction];
    for (const p of permissions) {
      if (list.some((q) => samePermission(p, q))) {
        throw new Ec2Error(
          'InvalidPermission.Duplicate',
          `the specified rule "peer: ${p.cidr}, ${p.protocol.toUpperCase()}, from port: ${p.fromPort ?? -1}, to port: ${p.toPort ?? -1}, ALLOW" already exists`,
        );
      }
    }
    list.push(...permissions);
  }

  revoke(groupId: string, direction: 'ingress' | 'egress', permissions: SimPermission[]): void {
    const group = this.group(groupId);
    const list = group[direction];
    for (const p of permissions) {
      if (!list.some((q) => samePermission(p, q))) {
        throw new Ec2Error(
          'InvalidPermission.NotFound',
          'The specified rule does not exist in this security group.',
        );
      }
    }
    group[direction] = list.filter((q) => !permissions.some((p) => samePermission(p, q)));
  }
}
