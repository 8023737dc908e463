// VPCs (/vpcs, subnets under each) and Cloud Firewalls (/networking/firewalls): the NetworkDriver
// and FirewallDriver part of the Linode driver. A VPC sits in one region and has no range of its
// own: its subnets have them, and list the Linodes with an interface in each. A firewall belongs
// to no VPC; it protects the Linodes among its devices, and its rules are read and written whole
// (GET/PUT .../rules), each direction with a policy for what no rule matches.

import {
  type CreateNetworkSpec,
  type CreateSubnetSpec,
  type FirewallDirection,
  type FirewallDriver,
  type FirewallRule,
  type NetworkDriver,
  ProviderError,
  type RemoteFirewall,
  type RemoteNetwork,
  type RemoteSubnet,
  sameFirewallRule,
} from '@overcast/contracts';
import { collect, type JsonApi, present } from '../common/json-api';
import { linodePages, numericId } from './wire';

const PROVIDER = 'Linode';

interface LinodeWireSubnet {
  id: number;
  label?: string;
  ipv4?: string | null;
  linodes?: Array<{ id?: number }>;
  created?: string;
}

interface LinodeWireVpc {
  id: number;
  label?: string;
  description?: string;
  region?: string;
  subnets?: LinodeWireSubnet[];
  created?: string;
}

interface LinodeWireRule {
  action?: string;
  protocol?: string;
  ports?: string;
  addresses?: { ipv4?: string[]; ipv6?: string[] };
  label?: string;
  description?: string;
}

interface LinodeWireRules {
  inbound?: LinodeWireRule[];
  inbound_policy?: string;
  outbound?: LinodeWireRule[];
  outbound_policy?: string;
}

interface LinodeWireFirewall {
  id: number;
  label?: string;
  status?: string;
  rules?: LinodeWireRules;
  tags?: string[];
  entities?: Array<{ id?: number; type?: string }>;
}

const WAYS = [
  ['inbound', 'ingress'],
  ['outbound', 'egress'],
] as const;

/**
 * One Linode rule as Overcast's allow rules: one per port range of its comma list ("22,80-90"),
 * none for a DROP rule or an IPENCAP one, which Overcast has no words for.
 */
export function readRule(r: LinodeWireRule, direction: FirewallDirection): FirewallRule[] {
  if (r.action !== 'ACCEPT') return [];
  const cidrs = [...(r.addresses?.ipv4 ?? []), ...(r.addresses?.ipv6 ?? [])];
  const protocol = r.protocol?.toLowerCase();
  if (protocol === 'icmp') return [{ direction, protocol, fromPort: null, toPort: null, cidrs }];
  if (protocol !== 'tcp' && protocol !== 'udp') return [];
  // No ports: every port, which Linode numbers from 1.
  return (r.ports ?? '1-65535').split(',').map((part) => {
    const [from, to = from] = part.trim().split('-').map(Number);
    return { direction, protocol, fromPort: from!, toPort: to!, cidrs };
  });
}

/** A new allow rule as Linode writes it; Linode has no "every protocol" rule and no port 0. */
function writeRule(rule: FirewallRule): LinodeWireRule {
  if (rule.protocol === 'all') {
    throw new ProviderError(
      'invalid',
      'Linode firewall rules are for TCP, UDP or ICMP (or IPENCAP); add one rule for each protocol.',
    );
  }
  const addresses = {
    ipv4: rule.cidrs.filter((c) => !c.includes(':')),
    ipv6: rule.cidrs.filter((c) => c.includes(':')),
  };
  const wire: LinodeWireRule = { action: 'ACCEPT', protocol: rule.protocol.toUpperCase(), addresses };
  if (rule.protocol === 'icmp') return wire;
  const from = rule.fromPort ?? 1;
  const to = rule.toPort ?? 65535;
  if (from === 0 && to !== 65535)
    throw new ProviderError('invalid', 'Linode ports start at 1: make the range start at 1.');
  if (from <= 1 && to === 65535) return wire;
  return { ...wire, ports: from === to ? String(from) : `${from}-${to}` };
}

const subnetId = (vpcId: number | string, id: number | string) => `${vpcId}:${id}`;

function readSubnetId(externalId: string): { vpcId: number; id: number } {
  const [vpc, subnet, ...rest] = externalId.split(':');
  if (subnet === undefined || rest.length > 0)
    throw new ProviderError('invalid', `'${externalId}' is not a Linode subnet id`);
  return { vpcId: numericId(vpc!, 'VPC'), id: numericId(subnet, 'subnet') };
}

const linodesOf = (s: LinodeWireSubnet) =>
  (s.linodes ?? []).flatMap((l) => (typeof l.id === 'number' ? [String(l.id)] : []));

export class LinodeNetworks implements NetworkDriver, FirewallDriver {
  constructor(private readonly api: JsonApi) {}

  private toNetwork(v: LinodeWireVpc): RemoteNetwork {
    return {
      externalId: String(v.id),
      name: v.label ?? String(v.id),
      // A VPC has no range of its own; each of its subnets has one.
      cidr: null,
      region: v.region ?? null,
      isDefault: false,
      machineIds: [...new Set((v.subnets ?? []).flatMap(linodesOf))],
      tags: {},
      extra: { id: v.id, description: v.description ?? '', created: v.created ?? null },
    };
  }

  private toSubnet(v: LinodeWireVpc, s: LinodeWireSubnet): RemoteSubnet {
    return {
      externalId: subnetId(v.id, s.id),
      networkId: String(v.id),
      name: s.label ?? String(s.id),
      cidr: s.ipv4 ?? '',
      location: v.region ?? null,
      machineIds: linodesOf(s),
      extra: { id: s.id, created: s.created ?? null },
    };
  }

  private vpcs(signal?: AbortSignal) {
    return collect(linodePages<LinodeWireVpc>(this.api, '/vpcs', signal));
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    return (await this.vpcs(signal)).map((v) => this.toNetwork(v));
  }

  async listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    return (await this.vpcs(signal)).flatMap((v) => (v.subnets ?? []).map((s) => this.toSubnet(v, s)));
  }

  /** A VPC in the region given, its range made its first subnet (a VPC has no range of its own). */
  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    if (!spec.region) {
      throw new ProviderError('invalid', 'A Linode VPC belongs to one region: choose one (us-east, ...).');
    }
    const made = await this.api.request<LinodeWireVpc>('POST', '/vpcs', {
      body: { label: spec.name, region: spec.region, subnets: [{ label: spec.name, ipv4: spec.cidr }] },
    });
    return this.toNetwork(present(made, PROVIDER, 'VPC'));
  }

  async deleteNetwork(externalId: string): Promise<void> {
    await this.api.request('DELETE', `/vpcs/${numericId(externalId, 'VPC')}`);
  }

  /** A subnet sits in its VPC's region; another location is refused rather than ignored. */
  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    const vpcId = numericId(spec.networkId, 'VPC');
    const vpc = present(await this.api.request<LinodeWireVpc>('GET', `/vpcs/${vpcId}`), PROVIDER, 'VPC');
    if (spec.location && spec.location !== vpc.region) {
      throw new ProviderError(
        'invalid',
        `A Linode subnet is in its VPC's region (${vpc.region}), not ${spec.location}.`,
      );
    }
    const made = await this.api.request<LinodeWireSubnet>('POST', `/vpcs/${vpcId}/subnets`, {
      body: { label: spec.name, ipv4: spec.cidr },
    });
    return this.toSubnet(vpc, present(made, PROVIDER, 'subnet'));
  }

  async deleteSubnet(externalId: string): Promise<void> {
    const { vpcId, id } = readSubnetId(externalId);
    await this.api.request('DELETE', `/vpcs/${vpcId}/subnets/${id}`);
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const firewalls = await collect(
      linodePages<LinodeWireFirewall>(this.api, '/networking/firewalls', signal),
    );
    return firewalls.map((f) => {
      const rules = f.rules ?? {};
      const read = WAYS.flatMap(([way, direction]) =>
        (rules[way] ?? []).map((r) => ({ r, way, read: readRule(r, direction) })),
      );
      return {
        externalId: String(f.id),
        name: f.label ?? String(f.id),
        description: `Inbound policy ${rules.inbound_policy ?? 'DROP'}, outbound policy ${rules.outbound_policy ?? 'ACCEPT'}: what no rule matches.`,
        networkId: null,
        rules: read.flatMap((x) => x.read),
        machineIds: (f.entities ?? []).flatMap((e) =>
          e.type === 'linode' && typeof e.id === 'number' ? [String(e.id)] : [],
        ),
        extra: {
          id: f.id,
          status: f.status ?? null,
          inboundPolicy: rules.inbound_policy ?? null,
          outboundPolicy: rules.outbound_policy ?? null,
          tags: f.tags ?? [],
          // DROP and IPENCAP rules, which Overcast does not show, so they are not left out unseen.
          otherRules: read
            .filter((x) => x.read.length === 0)
            .map((x) => `${x.way} ${x.r.action} ${x.r.protocol} ${x.r.ports ?? ''}`.trim()),
        },
      };
    });
  }

  private rulesOf(firewallId: string) {
    const id = numericId(firewallId, 'firewall');
    return this.api
      .request<LinodeWireRules>('GET', `/networking/firewalls/${id}/rules`)
      .then((rules) => ({ id, rules: present(rules, PROVIDER, 'firewall rules') }));
  }

  /**
   * Linode replaces the whole rule set (PUT .../rules): a change reads it, edits one direction's
   * list and writes it back with the policies and the rules Overcast does not show as they were.
   */
  private async putRules(id: number, rules: LinodeWireRules): Promise<void> {
    await this.api.request('PUT', `/networking/firewalls/${id}/rules`, { body: rules });
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const wire = writeRule(rule);
    const { id, rules } = await this.rulesOf(firewallId);
    const way = rule.direction === 'ingress' ? 'inbound' : 'outbound';
    const held = rules[way] ?? [];
    const wanted = readRule(wire, rule.direction)[0]!;
    if (held.some((r) => readRule(r, rule.direction).some((h) => sameFirewallRule(h, wanted))))
      throw new ProviderError('conflict', 'The firewall already has that rule.');
    await this.putRules(id, { ...rules, [way]: [...held, wire] });
  }

  /** Removes the rule; from a rule of several port ranges, only its range. */
  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const { id, rules } = await this.rulesOf(firewallId);
    const way = rule.direction === 'ingress' ? 'inbound' : 'outbound';
    const held = rules[way] ?? [];
    const at = held.findIndex((r) => readRule(r, rule.direction).some((h) => sameFirewallRule(h, rule)));
    if (at < 0) throw new ProviderError('not-found', 'The firewall has no such rule.');
    const target = held[at]!;
    const parts = (target.ports ?? '').split(',').filter((p) => p !== '');
    const kept = parts.filter(
      (p) => !readRule({ ...target, ports: p }, rule.direction).some((h) => sameFirewallRule(h, rule)),
    );
    const next =
      kept.length > 0 && kept.length < parts.length
        ? held.map((r, i) => (i === at ? { ...r, ports: kept.join(',') } : r))
        : held.filter((_, i) => i !== at);
    await this.putRules(id, { ...rules, [way]: next });
  }
}
