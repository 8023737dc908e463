// A project's private networks (/v1/networks, with their subnets) and firewalls (/v1/firewalls),
// with Hetzner's checks: private ranges, subnets inside their network and apart from each other,
// no subnet or firewall deleted while servers use it (`resource_in_use`), rules replaced whole by
// `set_rules`. A network is deleted with its servers in it, as on Hetzner: they are detached.

import { overlaps, readV4Cidr, type V4Range, within } from '../common/cidr';
import { ApiError, isObject, isoSeconds } from '../common/token-api';

export const NETWORK_ZONES = ['eu-central', 'us-east', 'us-west', 'ap-southeast'] as const;
export type HzNetworkZone = (typeof NETWORK_ZONES)[number];

export interface SimHzSubnet {
  type: 'cloud' | 'server' | 'vswitch';
  ipRange: string;
  networkZone: HzNetworkZone;
  gateway: string;
}

export interface SimHzNetwork {
  id: number;
  name: string;
  ipRange: string;
  subnets: SimHzSubnet[];
  /** Servers attached, with their address and the range of the subnet it is in. */
  servers: Map<number, { ip: string; subnet: string }>;
  labels: Record<string, string>;
  created: string;
}

export interface SimHzRule {
  direction: 'in' | 'out';
  protocol: 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre';
  /** "22", "80-85" or "any"; null for icmp, esp and gre. */
  port: string | null;
  sourceIps: string[];
  destinationIps: string[];
  description: string | null;
}

export type SimHzApplyTo = { type: 'server'; server: number } | { type: 'label_selector'; selector: string };

export interface SimHzFirewall {
  id: number;
  name: string;
  labels: Record<string, string>;
  rules: SimHzRule[];
  appliedTo: SimHzApplyTo[];
  created: string;
}

/** What the networking needs of its project: ids, the servers' labels, and actions (of type A). */
export interface HzNetworkHost<A> {
  nextId(): number;
  serverLabels(id: number): Record<string, string> | undefined;
  serverIds(): number[];
  action(command: string, resources: Array<{ id: number; type: 'network' | 'firewall' }>): A;
}

const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,62}[a-zA-Z0-9])?$/;
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => readV4Cidr(c) as V4Range);
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'gre']);
const PORT = /^(\d{1,5})(?:-(\d{1,5}))?$/;
const V6_CIDR = /^[0-9a-f:]{2,39}\/\d{1,3}$/i;
const MAX_RULES = 50;

const invalid = (field: string) => new ApiError(400, 'invalid_input', `invalid input in field '${field}'`);
const notFound = (what: string, id: number) =>
  new ApiError(404, 'not_found', `${what} with ID '${id}' not found`);
const inUse = (message: string) => new ApiError(409, 'resource_in_use', message);
const now = () => isoSeconds(Date.now(), '+00:00');

function readRange(value: unknown, field: string): V4Range & { text: string } {
  const range = typeof value === 'string' ? readV4Cidr(value) : null;
  if (!range?.aligned) throw invalid(field);
  return { ...range, text: value as string };
}

function readZone(value: unknown): HzNetworkZone {
  if (!NETWORK_ZONES.includes(value as HzNetworkZone)) throw invalid('network_zone');
  return value as HzNetworkZone;
}

function readCidrs(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > 100) throw invalid(field);
  for (const c of value) {
    if (typeof c !== 'string' || !(readV4Cidr(c)?.aligned || V6_CIDR.test(c))) throw invalid(field);
  }
  return [...value] as string[];
}

function readPort(protocol: string, value: unknown): string | null {
  if (protocol !== 'tcp' && protocol !== 'udp') {
    if (value !== undefined && value !== null) throw invalid('rules.port');
    return null;
  }
  if (value === 'any') return 'any';
  const m = typeof value === 'string' ? PORT.exec(value) : null;
  const from = Number(m?.[1]);
  const to = m?.[2] ? Number(m[2]) : from;
  if (!m || from < 1 || to > 65535 || to < from) throw invalid('rules.port');
  return value as string;
}

function readRule(raw: unknown): SimHzRule {
  if (!isObject(raw)) throw invalid('rules');
  const { direction, protocol } = raw;
  if (direction !== 'in' && direction !== 'out') throw invalid('rules.direction');
  if (typeof protocol !== 'string' || !PROTOCOLS.has(protocol)) throw invalid('rules.protocol');
  const ips = direction === 'in' ? 'source_ips' : 'destination_ips';
  const cidrs = readCidrs(raw[ips], `rules.${ips}`);
  if (cidrs.length === 0) throw invalid(`rules.${ips}`);
  const description = raw.description ?? null;
  if (description !== null && (typeof description !== 'string' || description.length > 255))
    throw invalid('rules.description');
  return {
    direction,
    protocol: protocol as SimHzRule['protocol'],
    port: readPort(protocol, raw.port),
    sourceIps: direction === 'in' ? cidrs : [],
    destinationIps: direction === 'out' ? cidrs : [],
    description,
  };
}

function readRules(raw: unknown): SimHzRule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_RULES) throw invalid('rules');
  return raw.map(readRule);
}

/** `env=prod`, `env!=prod`, `env`, `!env`, joined by commas: every term must hold. */
export function matchesSelector(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const t = term.trim();
    const [key, value] = t.includes('!=') ? t.split('!=') : t.includes('=') ? t.split(/==?/) : [t];
    if (t.includes('!=')) return labels[key!] !== value;
    if (value !== undefined) return labels[key!] === value;
    return t.startsWith('!') ? !(t.slice(1) in labels) : t in labels;
  });
}

function labelsOf(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw) || Object.values(raw).some((v) => typeof v !== 'string')) throw invalid('labels');
  return { ...(raw as Record<string, string>) };
}

export class HzNetworking<A> {
  readonly networks = new Map<number, SimHzNetwork>();
  readonly firewalls = new Map<number, SimHzFirewall>();

  constructor(private readonly host: HzNetworkHost<A>) {}

  network(id: number): SimHzNetwork {
    const network = this.networks.get(id);
    if (!network) throw notFound('network', id);
    return network;
  }

  firewall(id: number): SimHzFirewall {
    const firewall = this.firewalls.get(id);
    if (!firewall) throw notFound('firewall', id);
    return firewall;
  }

  private uniqueName(name: unknown, taken: Iterable<{ name: string }>, what: string): string {
    if (typeof name !== 'string' || !NAME.test(name)) throw invalid('name');
    for (const t of taken) {
      if (t.name === name) throw new ApiError(409, 'uniqueness_error', `${what} name is already used`);
    }
    return name;
  }

  createNetwork(body: unknown): SimHzNetwork {
    if (!isObject(body)) throw invalid('body');
    const name = this.uniqueName(body.name, this.networks.values(), 'network');
    const range = readRange(body.ip_range, 'ip_range');
    if (!PRIVATE.some((p) => within(range, p)) || range.bits > 24) throw invalid('ip_range');
    const network: SimHzNetwork = {
      id: this.host.nextId(),
      name,
      ipRange: range.text,
      subnets: [],
      servers: new Map(),
      labels: labelsOf(body.labels),
      created: now(),
    };
    const subnets = body.subnets ?? [];
    if (!Array.isArray(subnets)) throw invalid('subnets');
    for (const s of subnets) this.placeSubnet(network, s);
    this.networks.set(network.id, network);
    return network;
  }

  deleteNetwork(id: number): void {
    this.network(id);
    this.networks.delete(id);
  }

  private placeSubnet(network: SimHzNetwork, raw: unknown): SimHzSubnet {
    if (!isObject(raw)) throw invalid('subnets');
    const type = raw.type;
    if (type !== 'cloud' && type !== 'server' && type !== 'vswitch') throw invalid('type');
    const range = readRange(raw.ip_range, 'ip_range');
    const outer = readV4Cidr(network.ipRange) as V4Range;
    if (!within(range, outer) || range.bits > 30) throw invalid('ip_range');
    if (network.subnets.some((s) => overlaps(range, readV4Cidr(s.ipRange) as V4Range)))
      throw new ApiError(409, 'conflict', 'subnet ip_range overlaps with an existing subnet');
    const subnet: SimHzSubnet = {
      type,
      ipRange: range.text,
      networkZone: readZone(raw.network_zone),
      gateway: network.ipRange.replace(/\d+\/\d+$/, '1'),
    };
    network.subnets.push(subnet);
    return subnet;
  }

  addSubnet(id: number, body: unknown): A {
    const network = this.network(id);
    this.placeSubnet(network, body);
    return this.host.action('add_subnet', [{ id, type: 'network' }]);
  }

  deleteSubnet(id: number, body: unknown): A {
    const network = this.network(id);
    const ipRange = isObject(body) ? body.ip_range : undefined;
    const at = network.subnets.findIndex((s) => s.ipRange === ipRange);
    if (at < 0) throw invalid('ip_range');
    if ([...network.servers.values()].some((s) => s.subnet === ipRange))
      throw inUse('subnet is still in use by servers');
    network.subnets.splice(at, 1);
    return this.host.action('delete_subnet', [{ id, type: 'network' }]);
  }

  /** A server joins a network (`attach_to_network`), in its first subnet. */
  attach(serverId: number, networkId: number, ip: string): void {
    const network = this.network(networkId);
    const subnet = network.subnets[0];
    if (!subnet) throw new ApiError(422, 'no_subnet_available', 'network has no subnet');
    network.servers.set(serverId, { ip, subnet: subnet.ipRange });
  }

  /** A deleted server leaves its networks and firewalls. */
  forget(serverId: number): void {
    for (const n of this.networks.values()) n.servers.delete(serverId);
    for (const f of this.firewalls.values()) {
      f.appliedTo = f.appliedTo.filter((a) => a.type !== 'server' || a.server !== serverId);
    }
  }

  networksOf(serverId: number): Array<{ network: number; ip: string }> {
    return [...this.networks.values()].flatMap((n) => {
      const at = n.servers.get(serverId);
      return at === undefined ? [] : [{ network: n.id, ip: at.ip }];
    });
  }

  private readApplyTo(raw: unknown): SimHzApplyTo[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw invalid('apply_to');
    return raw.map((a) => {
      if (isObject(a) && a.type === 'server' && isObject(a.server) && typeof a.server.id === 'number') {
        if (this.host.serverLabels(a.server.id) === undefined) throw notFound('server', a.server.id);
        return { type: 'server', server: a.server.id };
      }
      if (
        isObject(a) &&
        a.type === 'label_selector' &&
        isObject(a.label_selector) &&
        typeof a.label_selector.selector === 'string' &&
        a.label_selector.selector !== ''
      )
        return { type: 'label_selector', selector: a.label_selector.selector };
      throw invalid('apply_to');
    });
  }

  createFirewall(body: unknown): { firewall: SimHzFirewall; actions: A[] } {
    if (!isObject(body)) throw invalid('body');
    const name = this.uniqueName(body.name, this.firewalls.values(), 'firewall');
    const firewall: SimHzFirewall = {
      id: this.host.nextId(),
      name,
      labels: labelsOf(body.labels),
      rules: readRules(body.rules),
      appliedTo: this.readApplyTo(body.apply_to),
      created: now(),
    };
    this.firewalls.set(firewall.id, firewall);
    const actions = firewall.appliedTo.map(() =>
      this.host.action('apply_firewall', [{ id: firewall.id, type: 'firewall' }]),
    );
    return { firewall, actions };
  }

  deleteFirewall(id: number): void {
    const firewall = this.firewall(id);
    if (firewall.appliedTo.length > 0) throw inUse('firewall is still in use');
    this.firewalls.delete(id);
  }

  /** Replaces every rule at once: Hetzner has no call for one rule. */
  setRules(id: number, body: unknown): A[] {
    const firewall = this.firewall(id);
    if (!isObject(body)) throw invalid('body');
    firewall.rules = readRules(body.rules);
    return [this.host.action('set_firewall_rules', [{ id, type: 'firewall' }])];
  }

  /** The servers a firewall reaches, by id or by label selector. */
  serversOf(firewall: SimHzFirewall, selector?: string): number[] {
    if (selector !== undefined) {
      return this.host.serverIds().filter((s) => matchesSelector(selector, this.host.serverLabels(s) ?? {}));
    }
    const ids = firewall.appliedTo.flatMap((a) =>
      a.type === 'server' ? [a.server] : this.serversOf(firewall, a.selector),
    );
    return [...new Set(ids)];
  }

  /** The firewalls reaching one server, read from what each applies to (no listing of servers). */
  firewallsOf(serverId: number): number[] {
    const labels = this.host.serverLabels(serverId) ?? {};
    const reaches = (a: SimHzApplyTo) =>
      a.type === 'server' ? a.server === serverId : matchesSelector(a.selector, labels);
    return [...this.firewalls.values()].filter((f) => f.appliedTo.some(reaches)).map((f) => f.id);
  }
}
