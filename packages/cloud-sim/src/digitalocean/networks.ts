// An account's VPCs (/v2/vpcs) and cloud firewalls (/v2/firewalls), with DigitalOcean's checks:
// private, non-overlapping VPC ranges from /16 to /28, one default VPC per region that is never
// deleted, nothing deleted while droplets are in it, rules of tcp, udp or icmp with sources.

import { createHash, randomUUID } from 'node:crypto';
import { overlaps, readV4Cidr, type V4Range, within } from '../common/cidr';
import { REGIONS } from './catalog';
import { DoApiError, notFound, unprocessable } from './errors';
import { isoSeconds } from './model';

export interface SimVpc {
  id: string;
  name: string;
  description: string;
  region: string;
  ipRange: string;
  isDefault: boolean;
  createdAt: string;
}

export interface SimRuleNodes {
  addresses?: string[];
  droplet_ids?: number[];
  tags?: string[];
  load_balancer_uids?: string[];
}

export interface SimFirewallRule {
  protocol: 'tcp' | 'udp' | 'icmp';
  /** "0" is every port; "22" or "8000-9000" otherwise. */
  ports: string;
  nodes: SimRuleNodes;
}

export interface SimFirewall {
  id: string;
  name: string;
  createdAt: string;
  inbound: SimFirewallRule[];
  outbound: SimFirewallRule[];
  dropletIds: number[];
  tags: string[];
}

const NAME = /^[a-zA-Z0-9.-]{1,255}$/;
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => readV4Cidr(c) as V4Range);
const V6_CIDR = /^[0-9a-f:]{2,39}(\/\d{1,3})?$/i;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const defaultIds = new Map<string, string>();

/** The default VPC's id in a region: stable, so seeded droplets and the listing agree. */
export function defaultVpcId(region: string): string {
  let id = defaultIds.get(region);
  if (!id) {
    const h = createHash('sha256').update(`default-vpc:${region}`).digest('hex');
    id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    defaultIds.set(region, id);
  }
  return id;
}

function readPorts(protocol: string, value: unknown, at: string): string {
  if (protocol === 'icmp') return '0';
  if (value === 'all' || value === '0') return '0';
  const m = typeof value === 'string' ? /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value) : null;
  const from = m ? Number(m[1]) : 0;
  const to = m?.[2] ? Number(m[2]) : from;
  if (!m || from < 1 || to > 65535 || to < from) {
    throw unprocessable(
      `${at}: ports must be "all", a port from 1 to 65535, or a range such as "8000-9000".`,
    );
  }
  return value as string;
}

function readNodes(value: unknown, at: string): SimRuleNodes {
  if (!isObject(value)) throw unprocessable(`${at} must name at least one source or destination.`);
  const nodes: SimRuleNodes = {};
  if (value.addresses !== undefined) {
    const list = value.addresses;
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) {
      throw unprocessable(`${at}.addresses must be a list of addresses.`);
    }
    for (const a of list as string[]) {
      const v4 = readV4Cidr(a.includes('/') ? a : `${a}/32`);
      if (!v4 && !V6_CIDR.test(a))
        throw unprocessable(`${at}.addresses: ${a} is not a valid IP address or range.`);
    }
    if (list.length) nodes.addresses = [...new Set(list as string[])];
  }
  if (Array.isArray(value.droplet_ids) && value.droplet_ids.length) {
    nodes.droplet_ids = value.droplet_ids.filter((d): d is number => Number.isInteger(d));
  }
  if (Array.isArray(value.tags) && value.tags.length) {
    nodes.tags = value.tags.filter((t): t is string => typeof t === 'string');
  }
  if (Array.isArray(value.load_balancer_uids) && value.load_balancer_uids.length) {
    nodes.load_balancer_uids = value.load_balancer_uids.filter((t): t is string => typeof t === 'string');
  }
  if (Object.keys(nodes).length === 0)
    throw unprocessable(`${at} must name at least one source or destination.`);
  return nodes;
}

function readRules(value: unknown, direction: 'inbound' | 'outbound'): SimFirewallRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unprocessable(`${direction}_rules must be a list.`);
  const nodesKey = direction === 'inbound' ? 'sources' : 'destinations';
  return value.map((r, i) => {
    const at = `${direction}_rules[${i}]`;
    if (!isObject(r)) throw unprocessable(`${at} must be an object.`);
    const protocol = r.protocol;
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') {
      throw unprocessable(`${at}: protocol must be one of tcp, udp or icmp.`);
    }
    return {
      protocol,
      ports: readPorts(protocol, r.ports, at),
      nodes: readNodes(r[nodesKey], `${at}.${nodesKey}`),
    };
  });
}

const sorted = (v: readonly (string | number)[] | undefined) =>
  JSON.stringify([...(v ?? [])].map(String).sort());
const sameRule = (a: SimFirewallRule, b: SimFirewallRule) =>
  a.protocol === b.protocol &&
  a.ports === b.ports &&
  (['addresses', 'droplet_ids', 'tags', 'load_balancer_uids'] as const).every(
    (k) => sorted(a.nodes[k]) === sorted(b.nodes[k]),
  );

export class DoNetworks {
  readonly vpcs = new Map<string, SimVpc>();
  readonly firewalls = new Map<string, SimFirewall>();

  /** The region's default VPC, made the first time something lands in the region. */
  defaultFor(region: string): SimVpc {
    const id = defaultVpcId(region);
    const found = this.vpcs.get(id);
    if (found) return found;
    const index = Math.max(
      0,
      REGIONS.findIndex((r) => r.slug === region),
    );
    const vpc: SimVpc = {
      id,
      name: `default-${region}`,
      description: '',
      region,
      ipRange: `10.${100 + 2 * index}.0.0/20`,
      isDefault: true,
      createdAt: isoSeconds(Date.UTC(2024, 0, 1)),
    };
    this.vpcs.set(id, vpc);
    return vpc;
  }

  getVpc(id: string): SimVpc {
    const vpc = this.vpcs.get(id);
    if (!vpc) throw notFound();
    return vpc;
  }

  createVpc(body: unknown): SimVpc {
    if (!isObject(body)) throw unprocessable('Request body must be a JSON object.');
    if (typeof body.name !== 'string' || !NAME.test(body.name)) {
      throw unprocessable('name must contain only alphanumeric characters, dashes, and periods.');
    }
    if ([...this.vpcs.values()].some((v) => v.name === body.name)) {
      throw unprocessable(`a VPC with name ${body.name} already exists`);
    }
    const region = REGIONS.find((r) => r.slug === body.region && r.available);
    if (!region) throw unprocessable('region is invalid.');
    const ipRange = typeof body.ip_range === 'string' ? body.ip_range : this.freeRange();
    const range = readV4Cidr(ipRange);
    if (!range?.aligned) throw unprocessable(`ip_range ${ipRange} is not a valid network range.`);
    if (range.bits < 16 || range.bits > 28) throw unprocessable('ip_range must be between a /16 and a /28.');
    if (!PRIVATE.some((p) => within(range, p))) {
      throw unprocessable(`ip_range ${ipRange} must be within a private range (RFC 1918).`);
    }
    const clash = [...this.vpcs.values()].find((v) => overlaps(range, readV4Cidr(v.ipRange)!));
    if (clash)
      throw unprocessable(`ip_range ${ipRange} overlaps with the VPC ${clash.name} (${clash.ipRange}).`);
    const vpc: SimVpc = {
      id: randomUUID(),
      name: body.name,
      description: typeof body.description === 'string' ? body.description : '',
      region: region.slug,
      ipRange,
      isDefault: false,
      createdAt: isoSeconds(Date.now()),
    };
    this.vpcs.set(vpc.id, vpc);
    return vpc;
  }

  /** A /20 no VPC holds, for a VPC made without a range. */
  private freeRange(): string {
    for (let n = 0; n < 4096; n++) {
      const text = `10.${200 + Math.floor(n / 16)}.${(n % 16) * 16}.0/20`;
      const range = readV4Cidr(text)!;
      if (![...this.vpcs.values()].some((v) => overlaps(range, readV4Cidr(v.ipRange)!))) return text;
    }
    throw unprocessable('no free range is left for a new VPC.');
  }

  deleteVpc(id: string, members: number): void {
    const vpc = this.getVpc(id);
    if (vpc.isDefault) throw unprocessable('Cannot delete the default VPC of a region.');
    if (members > 0) {
      throw new DoApiError(409, 'conflict', 'Cannot delete VPC with members: remove its droplets first.');
    }
    this.vpcs.delete(id);
  }

  // ---- firewalls --------------------------------------------------------------------------

  getFirewall(id: string): SimFirewall {
    const firewall = this.firewalls.get(id);
    if (!firewall) throw notFound();
    return firewall;
  }

  createFirewall(body: unknown): SimFirewall {
    if (!isObject(body)) throw unprocessable('Request body must be a JSON object.');
    if (typeof body.name !== 'string' || !NAME.test(body.name)) {
      throw unprocessable('name must contain only alphanumeric characters, dashes, and periods.');
    }
    const firewall: SimFirewall = {
      id: randomUUID(),
      name: body.name,
      createdAt: isoSeconds(Date.now()),
      inbound: readRules(body.inbound_rules, 'inbound'),
      outbound: readRules(body.outbound_rules, 'outbound'),
      dropletIds: Array.isArray(body.droplet_ids) ? body.droplet_ids.filter((d) => Number.isInteger(d)) : [],
      tags: Array.isArray(body.tags) ? body.tags.filter((t) => typeof t === 'string') : [],
    };
    if (firewall.inbound.length + firewall.outbound.length === 0) {
      throw unprocessable('At least one inbound or outbound rule is required.');
    }
    this.firewalls.set(firewall.id, firewall);
    return firewall;
  }

  /** POST /rules adds what is not there yet; DELETE /rules takes away the rules equal to those sent. */
  changeRules(id: string, body: unknown, add: boolean): void {
    const firewall = this.getFirewall(id);
    if (!isObject(body)) throw unprocessable('Request body must be a JSON object.');
    const inbound = readRules(body.inbound_rules, 'inbound');
    const outbound = readRules(body.outbound_rules, 'outbound');
    if (inbound.length + outbound.length === 0) {
      throw unprocessable('At least one inbound or outbound rule is required.');
    }
    const apply = (list: SimFirewallRule[], given: SimFirewallRule[]) =>
      add
        ? [...list, ...given.filter((g) => !list.some((r) => sameRule(r, g)))]
        : list.filter((r) => !given.some((g) => sameRule(r, g)));
    firewall.inbound = apply(firewall.inbound, inbound);
    firewall.outbound = apply(firewall.outbound, outbound);
  }
}

// ---- JSON as /v2 writes it ------------------------------------------------------------------

export const vpcJson = (v: SimVpc) => ({
  id: v.id,
  urn: `do:vpc:${v.id}`,
  name: v.name,
  description: v.description,
  region: v.region,
  ip_range: v.ipRange,
  created_at: v.createdAt,
  default: v.isDefault,
});

const ruleJson = (key: 'sources' | 'destinations') => (r: SimFirewallRule) => ({
  protocol: r.protocol,
  ports: r.ports,
  [key]: r.nodes,
});

export const firewallJson = (f: SimFirewall) => ({
  id: f.id,
  name: f.name,
  status: 'succeeded',
  inbound_rules: f.inbound.map(ruleJson('sources')),
  outbound_rules: f.outbound.map(ruleJson('destinations')),
  created_at: f.createdAt,
  droplet_ids: f.dropletIds,
  tags: f.tags,
  pending_changes: [],
});
