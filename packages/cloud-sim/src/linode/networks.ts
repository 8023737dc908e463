// An account's VPCs (/v4/vpcs, subnets under each) and Cloud Firewalls (/v4/networking/firewalls),
// with Linode's checks: a VPC sits in one region and has no range of its own, its subnets take
// private IPv4 ranges apart from each other; a subnet or VPC with Linodes in it is not deleted.
// A firewall's rules are read and replaced whole (GET/PUT .../rules) with a policy per direction
// for what no rule matches; its devices are the Linodes it protects, each in one firewall at most.

import { overlaps, readV4Cidr, type V4Range, within } from '../common/cidr';
import { ApiError, isObject, isoSeconds } from '../common/token-api';
import { fieldError, type LinodeIds } from './shared';

export interface SimLinodeSubnet {
  id: number;
  label: string;
  ipv4: string;
  /** The Linodes with an interface in it. */
  linodes: Set<number>;
  created: string;
}

export interface SimLinodeVpc {
  id: number;
  label: string;
  description: string;
  region: string;
  subnets: Map<number, SimLinodeSubnet>;
  created: string;
}

export type LinodeRuleProtocol = 'TCP' | 'UDP' | 'ICMP' | 'IPENCAP';
export type LinodePolicy = 'ACCEPT' | 'DROP';

export interface SimLinodeRule {
  action: LinodePolicy;
  protocol: LinodeRuleProtocol;
  /** "22", "80-90", "22,443"; absent for every port (and for ICMP, IPENCAP). */
  ports?: string;
  addresses: { ipv4?: string[]; ipv6?: string[] };
  label?: string;
  description?: string;
}

export interface SimLinodeRules {
  inbound: SimLinodeRule[];
  inbound_policy: LinodePolicy;
  outbound: SimLinodeRule[];
  outbound_policy: LinodePolicy;
}

export interface SimLinodeFirewall {
  id: number;
  label: string;
  rules: SimLinodeRules;
  /** Device id -> the Linode it is. */
  devices: Map<number, number>;
  tags: string[];
  created: string;
}

/** What the networking needs of its account: whether a Linode exists, and in which region. */
export interface LinodeNetworkHost {
  regionOf(linodeId: number): string | undefined;
}

const LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?$/;
const FIREWALL_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{1,30}[a-zA-Z0-9])$/;
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => readV4Cidr(c) as V4Range);
const PROTOCOLS = new Set(['TCP', 'UDP', 'ICMP', 'IPENCAP']);
const PORT = /^\d{1,5}(-\d{1,5})?$/;
const V6_CIDR = /^[0-9a-f:]{2,39}\/\d{1,3}$/i;
const notFound = () => new ApiError(404, 'not_found', 'Not found');
const now = () => isoSeconds(Date.now(), '');

function readLabel(raw: unknown, pattern = LABEL): string {
  if (typeof raw !== 'string' || !pattern.test(raw))
    throw fieldError('label', 'Label must include only ASCII letters, numbers, and dashes');
  return raw;
}

function readPorts(raw: unknown, protocol: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (protocol === 'ICMP' || protocol === 'IPENCAP')
    throw fieldError('rules.ports', `Ports are not allowed for ${protocol} protocols.`);
  if (typeof raw !== 'string') throw fieldError('rules.ports', 'Must be a string');
  for (const part of raw.split(',')) {
    const [from, to = from] = part.trim().split('-').map(Number);
    if (!PORT.test(part.trim()) || from! < 1 || to! > 65535 || to! < from!)
      throw fieldError('rules.ports', `Invalid port range: ${part}`);
  }
  return raw;
}

function readAddresses(raw: unknown): { ipv4?: string[]; ipv6?: string[] } {
  if (!isObject(raw)) throw fieldError('rules.addresses', 'Must specify ipv4 or ipv6 addresses');
  const out: { ipv4?: string[]; ipv6?: string[] } = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    const list = raw[family];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw fieldError(`rules.addresses.${family}`, 'Must be a list');
    for (const a of list) {
      const good =
        family === 'ipv4' ? typeof a === 'string' && readV4Cidr(a) !== null : V6_CIDR.test(String(a));
      if (!good) throw fieldError(`rules.addresses.${family}`, `Invalid IP address or range: ${String(a)}`);
    }
    out[family] = [...list] as string[];
  }
  if (!out.ipv4?.length && !out.ipv6?.length)
    throw fieldError('rules.addresses', 'Must specify ipv4 or ipv6 addresses');
  return out;
}

function readRule(raw: unknown): SimLinodeRule {
  if (!isObject(raw)) throw fieldError('rules', 'Must be an object');
  if (raw.action !== 'ACCEPT' && raw.action !== 'DROP')
    throw fieldError('rules.action', 'Must be ACCEPT or DROP');
  if (typeof raw.protocol !== 'string' || !PROTOCOLS.has(raw.protocol))
    throw fieldError('rules.protocol', 'Must be one of TCP, UDP, ICMP, IPENCAP');
  const rule: SimLinodeRule = {
    action: raw.action,
    protocol: raw.protocol as LinodeRuleProtocol,
    addresses: readAddresses(raw.addresses),
  };
  const ports = readPorts(raw.ports, raw.protocol);
  if (ports !== undefined) rule.ports = ports;
  if (typeof raw.label === 'string') rule.label = raw.label;
  if (typeof raw.description === 'string') rule.description = raw.description;
  return rule;
}

function readPolicy(raw: unknown, field: string, fallback: LinodePolicy): LinodePolicy {
  if (raw === undefined) return fallback;
  if (raw !== 'ACCEPT' && raw !== 'DROP') throw fieldError(field, 'Must be ACCEPT or DROP');
  return raw;
}

/** A rule set as PUT .../rules and POST /networking/firewalls take it; at most 25 rules each way. */
function readRules(raw: unknown, current?: SimLinodeRules): SimLinodeRules {
  const body = raw === undefined ? {} : raw;
  if (!isObject(body)) throw fieldError('rules', 'Must be an object');
  const list = (field: 'inbound' | 'outbound') => {
    const v = body[field];
    if (v === undefined) return current?.[field] ?? [];
    if (!Array.isArray(v)) throw fieldError(field, 'Must be a list');
    if (v.length > 25) throw fieldError(field, 'Too many rules: at most 25');
    return v.map(readRule);
  };
  return {
    inbound: list('inbound'),
    inbound_policy: readPolicy(body.inbound_policy, 'inbound_policy', current?.inbound_policy ?? 'DROP'),
    outbound: list('outbound'),
    outbound_policy: readPolicy(
      body.outbound_policy,
      'outbound_policy',
      current?.outbound_policy ?? 'ACCEPT',
    ),
  };
}

export class LinodeNetworking {
  readonly vpcs = new Map<number, SimLinodeVpc>();
  readonly firewalls = new Map<number, SimLinodeFirewall>();

  constructor(
    private readonly ids: LinodeIds,
    private readonly host: LinodeNetworkHost,
  ) {}

  vpc(id: number): SimLinodeVpc {
    const vpc = this.vpcs.get(id);
    if (!vpc) throw notFound();
    return vpc;
  }

  subnet(vpc: SimLinodeVpc, id: number): SimLinodeSubnet {
    const subnet = vpc.subnets.get(id);
    if (!subnet) throw notFound();
    return subnet;
  }

  firewall(id: number): SimLinodeFirewall {
    const firewall = this.firewalls.get(id);
    if (!firewall) throw notFound();
    return firewall;
  }

  /** POST /vpcs: a label unique in the account, a region, and subnets to make with it. */
  createVpc(body: unknown, regions: readonly string[]): SimLinodeVpc {
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    const label = readLabel(body.label);
    if ([...this.vpcs.values()].some((v) => v.label === label))
      throw fieldError('label', 'Label must be unique among your VPCs.');
    if (typeof body.region !== 'string' || !regions.includes(body.region))
      throw fieldError('region', 'Region does not exist or does not support VPCs.');
    const description = body.description ?? '';
    if (typeof description !== 'string' || description.length > 255)
      throw fieldError('description', 'Length must be 0-255 characters');
    const vpc: SimLinodeVpc = {
      id: this.ids.next(),
      label,
      description,
      region: body.region,
      subnets: new Map(),
      created: now(),
    };
    const subnets = body.subnets ?? [];
    if (!Array.isArray(subnets)) throw fieldError('subnets', 'Must be a list');
    for (const s of subnets) this.placeSubnet(vpc, s, 'subnets');
    this.vpcs.set(vpc.id, vpc);
    return vpc;
  }

  /** Linode deletes a VPC only once no Linode has an interface in it. */
  deleteVpc(id: number): void {
    const vpc = this.vpc(id);
    if ([...vpc.subnets.values()].some((s) => s.linodes.size > 0))
      throw fieldError(null, 'Cannot delete a VPC while it has Linodes with interfaces in its subnets.');
    this.vpcs.delete(id);
  }

  createSubnet(vpcId: number, body: unknown): SimLinodeSubnet {
    return this.placeSubnet(this.vpc(vpcId), body, null);
  }

  private placeSubnet(vpc: SimLinodeVpc, raw: unknown, prefix: string | null): SimLinodeSubnet {
    const field = (f: string) => (prefix ? `${prefix}.${f}` : f);
    if (!isObject(raw)) throw fieldError(prefix, 'Must be an object');
    const label = readLabel(raw.label);
    if ([...vpc.subnets.values()].some((s) => s.label === label))
      throw fieldError(field('label'), 'Label must be unique among the subnets of this VPC.');
    const range = typeof raw.ipv4 === 'string' ? readV4Cidr(raw.ipv4) : null;
    if (!range?.aligned || range.bits < 1 || range.bits > 29 || !PRIVATE.some((p) => within(range, p)))
      throw fieldError(field('ipv4'), 'Must be an RFC1918 IPv4 range with a prefix length of /1 to /29');
    const clash = [...vpc.subnets.values()].find((s) => overlaps(range, readV4Cidr(s.ipv4) as V4Range));
    if (clash) throw fieldError(field('ipv4'), `Overlaps with the range of subnet ${clash.label}`);
    const subnet: SimLinodeSubnet = {
      id: this.ids.next(),
      label,
      ipv4: raw.ipv4 as string,
      linodes: new Set(),
      created: now(),
    };
    vpc.subnets.set(subnet.id, subnet);
    return subnet;
  }

  deleteSubnet(vpcId: number, subnetId: number): void {
    const vpc = this.vpc(vpcId);
    const subnet = this.subnet(vpc, subnetId);
    if (subnet.linodes.size > 0)
      throw fieldError(null, 'Cannot delete a subnet while Linodes have interfaces in it.');
    vpc.subnets.delete(subnetId);
  }

  /** A Linode gets a VPC interface in a subnet (a config interface of purpose `vpc`). */
  attach(linodeId: number, vpcId: number, subnetId: number): void {
    const vpc = this.vpc(vpcId);
    if (this.host.regionOf(linodeId) !== vpc.region)
      throw fieldError('subnet_id', 'The Linode and the VPC must be in the same region.');
    this.subnet(vpc, subnetId).linodes.add(linodeId);
  }

  /** A deleted Linode leaves its subnets and firewalls. */
  forget(linodeId: number): void {
    for (const v of this.vpcs.values()) for (const s of v.subnets.values()) s.linodes.delete(linodeId);
    for (const f of this.firewalls.values())
      for (const [device, linode] of f.devices) if (linode === linodeId) f.devices.delete(device);
  }

  createFirewall(body: unknown): SimLinodeFirewall {
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    const label = readLabel(body.label, FIREWALL_LABEL);
    if ([...this.firewalls.values()].some((f) => f.label === label))
      throw fieldError('label', 'Label must be unique among your Firewalls.');
    if (!isObject(body.rules)) throw fieldError('rules', 'Rules are required.');
    const firewall: SimLinodeFirewall = {
      id: this.ids.next(),
      label,
      rules: readRules(body.rules),
      devices: new Map(),
      tags: Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [],
      created: now(),
    };
    const devices = isObject(body.devices) ? body.devices.linodes : undefined;
    if (devices !== undefined && !Array.isArray(devices))
      throw fieldError('devices.linodes', 'Must be a list');
    for (const linode of devices ?? []) this.checkDevice(linode);
    this.firewalls.set(firewall.id, firewall);
    for (const linode of (devices ?? []) as number[]) firewall.devices.set(this.ids.next(), linode);
    return firewall;
  }

  deleteFirewall(id: number): void {
    this.firewall(id);
    this.firewalls.delete(id);
  }

  /** PUT .../rules: the whole set replaced; a list left out stays as it was. */
  setRules(id: number, body: unknown): SimLinodeRules {
    const firewall = this.firewall(id);
    firewall.rules = readRules(body, firewall.rules);
    return firewall.rules;
  }

  /** A Linode is protected by one firewall at most. */
  private checkDevice(linode: unknown): number {
    if (typeof linode !== 'number' || this.host.regionOf(linode) === undefined)
      throw fieldError('id', 'Linode not found');
    const held = [...this.firewalls.values()].find((f) => [...f.devices.values()].includes(linode));
    if (held) throw fieldError('id', `Linode ${linode} already belongs to Firewall ${held.id}.`);
    return linode;
  }

  /** POST .../devices {id, type: 'linode'}: the new device's id. */
  addDevice(id: number, body: unknown): number {
    const firewall = this.firewall(id);
    if (!isObject(body) || body.type !== 'linode') throw fieldError('type', 'Must be linode');
    const linode = this.checkDevice(body.id);
    const device = this.ids.next();
    firewall.devices.set(device, linode);
    return device;
  }

  removeDevice(id: number, device: number): void {
    if (!this.firewall(id).devices.delete(device)) throw notFound();
  }
}
