// An account's VPCs (/v2/vpcs) and firewall groups (/v2/firewalls, rules under each), with
// Vultr's checks: a VPC is regional with one private IPv4 range and no subnets, instances join it
// one by one (attach/detach) and it is not destroyed while any is attached; a firewall group holds
// inbound accept rules only, one source range each, at most 50, and an instance points to its one
// group with `firewall_group_id`.

import { randomUUID } from 'node:crypto';
import { addressIn, overlaps, readV4Cidr, type V4Range, within } from '../common/cidr';
import { isObject, isoSeconds } from '../common/token-api';
import { REGIONS, type VultrRegion } from './catalog';
import { vultrError } from './errors';

export interface SimVultrVpc {
  id: string;
  region: VultrRegion;
  description: string;
  v4Subnet: string;
  v4SubnetMask: number;
  dateCreated: string;
  /** Addresses handed out so far, so each attached instance gets the next one. */
  handedOut: number;
}

export const VULTR_RULE_PROTOCOLS = ['icmp', 'tcp', 'udp', 'gre', 'esp', 'ah'] as const;
type VultrRuleProtocol = (typeof VULTR_RULE_PROTOCOLS)[number];

export interface SimVultrRule {
  id: number;
  ipType: 'v4' | 'v6';
  protocol: VultrRuleProtocol;
  /** "22" or "8000:9000"; '' for every port (and for icmp, gre, esp, ah). */
  port: string;
  subnet: string;
  subnetSize: number;
  /** '' for the subnet given, or 'cloudflare' for Cloudflare's ranges (the subnet is then ignored). */
  source: '' | 'cloudflare';
  notes: string;
}

export interface SimVultrFirewallGroup {
  id: string;
  description: string;
  dateCreated: string;
  dateModified: string;
  rules: SimVultrRule[];
  /** Rule numbers are the group's own, never reused. */
  lastRuleId: number;
}

/** What networking needs of an instance: where it is, its VPC interfaces and its firewall group. */
export interface VultrNetMember {
  id: string;
  region: VultrRegion;
  vpcs: Map<string, { ip: string; mac: string }>;
  firewallGroupId: string;
}

export interface VultrNetHost {
  instance(id: string): VultrNetMember;
  instances(): Iterable<VultrNetMember>;
}

const MAX_RULES = 50;
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => readV4Cidr(c) as V4Range);
const PORT = /^(\d{1,5})(?::(\d{1,5}))?$/;
const V6 = /^[0-9a-f:]{2,39}$/i;

const bad = (message: string) => vultrError(400, message);
const now = () => isoSeconds(Date.now(), '+00:00');
const hex = (octet: string) => Number(octet).toString(16).padStart(2, '0');

function readDescription(value: unknown): string {
  const description = value ?? '';
  if (typeof description !== 'string' || description.length > 255) throw bad('Invalid description.');
  return description;
}

function readPort(protocol: VultrRuleProtocol, value: unknown): string {
  const port = value ?? '';
  if (typeof port !== 'string') throw bad('Invalid port.');
  if (protocol !== 'tcp' && protocol !== 'udp') {
    if (port !== '') throw bad('Port is only valid for TCP and UDP rules.');
    return '';
  }
  if (port === '') return '';
  const m = PORT.exec(port);
  const from = Number(m?.[1]);
  const to = m?.[2] ? Number(m[2]) : from;
  if (!m || from < 1 || to > 65535 || to < from) throw bad('Invalid port.');
  return port;
}

function readSource(body: Record<string, unknown>, ipType: 'v4' | 'v6') {
  const source = body.source ?? '';
  if (source === 'cloudflare') return { source, subnet: '', subnetSize: 0 } as const;
  if (source !== '') throw bad('Invalid source.');
  const { subnet, subnet_size: size } = body;
  if (typeof subnet !== 'string' || typeof size !== 'number' || !Number.isInteger(size))
    throw bad('Invalid subnet.');
  if (ipType === 'v4') {
    const range = readV4Cidr(`${subnet}/${size}`);
    if (!range?.aligned) throw bad('Invalid subnet.');
  } else if (!V6.test(subnet) || size < 0 || size > 128) {
    throw bad('Invalid subnet.');
  }
  return { source: '', subnet, subnetSize: size } as const;
}

const sameRule = (a: Omit<SimVultrRule, 'id' | 'notes'>, b: SimVultrRule) =>
  a.ipType === b.ipType &&
  a.protocol === b.protocol &&
  a.port === b.port &&
  a.source === b.source &&
  a.subnet === b.subnet &&
  a.subnetSize === b.subnetSize;

export class VultrNetworking {
  readonly vpcs = new Map<string, SimVultrVpc>();
  readonly firewallGroups = new Map<string, SimVultrFirewallGroup>();

  constructor(private readonly host: VultrNetHost) {}

  vpc(id: string): SimVultrVpc {
    const vpc = this.vpcs.get(id);
    if (!vpc) throw vultrError(404, 'Invalid VPC ID.');
    return vpc;
  }

  firewallGroup(id: string): SimVultrFirewallGroup {
    const group = this.firewallGroups.get(id);
    if (!group) throw vultrError(404, 'Invalid firewall group ID.');
    return group;
  }

  /** Without a range Vultr picks a free /20 of 10.0.0.0/8 in the region. */
  private pickRange(region: VultrRegion): V4Range {
    for (let i = 0; ; i++) {
      const range = { base: 10 * 2 ** 24 + i * 2 ** 12, bits: 20 };
      if (!this.regionRanges(region).some((r) => overlaps(r, range))) return range;
    }
  }

  private regionRanges(region: VultrRegion): V4Range[] {
    return [...this.vpcs.values()]
      .filter((v) => v.region.id === region.id)
      .map((v) => readV4Cidr(`${v.v4Subnet}/${v.v4SubnetMask}`) as V4Range);
  }

  createVpc(body: unknown): SimVultrVpc {
    if (!isObject(body)) throw bad('Invalid request body.');
    const region = REGIONS.find((r) => r.id === body.region);
    if (!region) throw bad('Invalid region chosen.');
    const description = readDescription(body.description);
    let range: V4Range;
    if (body.v4_subnet === undefined && body.v4_subnet_mask === undefined) {
      range = this.pickRange(region);
    } else {
      const parsed = readV4Cidr(`${String(body.v4_subnet)}/${String(body.v4_subnet_mask)}`);
      if (!parsed?.aligned || typeof body.v4_subnet_mask !== 'number') throw bad('Invalid v4_subnet.');
      if (!PRIVATE.some((p) => within(parsed, p)) || parsed.bits > 28)
        throw bad('Invalid v4_subnet: the VPC range must be private (RFC 1918), /28 or larger.');
      if (this.regionRanges(region).some((r) => overlaps(r, parsed)))
        throw bad('A VPC with an overlapping subnet already exists in this region.');
      range = parsed;
    }
    const vpc: SimVultrVpc = {
      id: randomUUID(),
      region,
      description,
      v4Subnet: addressIn(range, 0),
      v4SubnetMask: range.bits,
      dateCreated: now(),
      handedOut: 0,
    };
    this.vpcs.set(vpc.id, vpc);
    return vpc;
  }

  /** The instances with an interface in the VPC. */
  members(vpcId: string): VultrNetMember[] {
    return [...this.host.instances()].filter((i) => i.vpcs.has(vpcId));
  }

  deleteVpc(id: string): void {
    this.vpc(id);
    const attached = this.members(id).length;
    if (attached > 0)
      throw bad(`Unable to destroy VPC: ${attached} instance(s) attached; they must be detached first.`);
    this.vpcs.delete(id);
  }

  /** The instance and the VPC of an attach or detach (`{ vpc_id }`). */
  private pair(instanceId: string, body: unknown) {
    const instance = this.host.instance(instanceId);
    const vpcId = isObject(body) ? body.vpc_id : undefined;
    if (typeof vpcId !== 'string') throw bad('Invalid vpc_id.');
    return { instance, vpc: this.vpc(vpcId) };
  }

  attach(instanceId: string, body: unknown): void {
    const { instance, vpc } = this.pair(instanceId, body);
    if (vpc.region.id !== instance.region.id) throw bad('VPC and instance must be in the same region.');
    if (instance.vpcs.has(vpc.id)) throw bad('VPC is already attached to this instance.');
    const range = readV4Cidr(`${vpc.v4Subnet}/${vpc.v4SubnetMask}`) as V4Range;
    // .1 is the gateway's; instances are numbered from .3 as Vultr does.
    const offset = 3 + vpc.handedOut++;
    const mac = `5a:01:04:${addressIn({ base: offset, bits: 8 }, 0).split('.').slice(1).map(hex).join(':')}`;
    instance.vpcs.set(vpc.id, { ip: addressIn(range, offset), mac });
  }

  detach(instanceId: string, body: unknown): void {
    const { instance, vpc } = this.pair(instanceId, body);
    if (!instance.vpcs.delete(vpc.id)) throw bad('VPC is not attached to this instance.');
  }

  createFirewallGroup(body: unknown): SimVultrFirewallGroup {
    if (!isObject(body)) throw bad('Invalid request body.');
    const at = now();
    const group: SimVultrFirewallGroup = {
      id: randomUUID().slice(0, 8),
      description: readDescription(body.description),
      dateCreated: at,
      dateModified: at,
      rules: [],
      lastRuleId: 0,
    };
    this.firewallGroups.set(group.id, group);
    return group;
  }

  /** The instances in the group leave it: they are unprotected from then on, as on Vultr. */
  deleteFirewallGroup(id: string): void {
    this.firewallGroup(id);
    for (const i of this.host.instances()) if (i.firewallGroupId === id) i.firewallGroupId = '';
    this.firewallGroups.delete(id);
  }

  instanceCount(groupId: string): number {
    return [...this.host.instances()].filter((i) => i.firewallGroupId === groupId).length;
  }

  /** An instance's `firewall_group_id` (PATCH /v2/instances/{id}); '' takes it out of its group. */
  setFirewallGroup(instance: VultrNetMember, value: unknown): void {
    if (typeof value !== 'string') throw bad('Invalid firewall_group_id.');
    if (value !== '') this.firewallGroup(value);
    instance.firewallGroupId = value;
  }

  addRule(groupId: string, body: unknown): SimVultrRule {
    const group = this.firewallGroup(groupId);
    if (!isObject(body)) throw bad('Invalid request body.');
    const ipType = body.ip_type;
    if (ipType !== 'v4' && ipType !== 'v6') throw bad('Invalid ip_type.');
    const protocol = typeof body.protocol === 'string' ? body.protocol.toLowerCase() : '';
    if (!VULTR_RULE_PROTOCOLS.includes(protocol as VultrRuleProtocol)) throw bad('Invalid protocol.');
    const notes = body.notes ?? '';
    if (typeof notes !== 'string' || notes.length > 255) throw bad('Invalid notes.');
    const rule: Omit<SimVultrRule, 'id' | 'notes'> = {
      ipType: ipType as SimVultrRule['ipType'],
      protocol: protocol as VultrRuleProtocol,
      port: readPort(protocol as VultrRuleProtocol, body.port),
      ...readSource(body, ipType),
    };
    if (group.rules.some((r) => sameRule(rule, r)))
      throw bad('Unable to create firewall rule: this rule already exists in the firewall group.');
    if (group.rules.length >= MAX_RULES)
      throw bad(`Unable to create firewall rule: the firewall group already has ${MAX_RULES} rules.`);
    const made: SimVultrRule = { id: ++group.lastRuleId, notes, ...rule };
    group.rules.push(made);
    group.dateModified = now();
    return made;
  }

  rule(groupId: string, ruleId: string): SimVultrRule {
    const rule = this.firewallGroup(groupId).rules.find((r) => String(r.id) === ruleId);
    if (!rule) throw vultrError(404, 'Invalid firewall rule ID.');
    return rule;
  }

  deleteRule(groupId: string, ruleId: string): void {
    const group = this.firewallGroup(groupId);
    const rule = this.rule(groupId, ruleId);
    group.rules = group.rules.filter((r) => r !== rule);
    group.dateModified = now();
  }
}
