// Neutron v2.0 (the catalog's network endpoint): networks and their subnets, and security groups
// with their rules, as the NetworkDriver and FirewallDriver part of the OpenStack driver. Neutron
// ties servers to both through ports: a port's device is the server, its fixed IPs name the
// subnets, and its security groups the firewalls. A network has no range of its own, its
// subnets do; a security group belongs to no network.

import type {
  CreateNetworkSpec,
  CreateSubnetSpec,
  FirewallDriver,
  FirewallRule,
  NetworkDriver,
  RemoteFirewall,
  RemoteNetwork,
  RemoteSubnet,
} from '@overcast/contracts';
import { parseCidr } from '@overcast/contracts/addresses';
import { collect, present } from '../common/json-api';
import { heldRules, missingRules, splitCidr } from '../common/per-cidr-rules';
import { type OpenStackClient, PROVIDER } from './client';
import { markedPages, resourceId } from './paths';

interface OsWireNetwork {
  id: string;
  name?: string;
  shared?: boolean;
  'router:external'?: boolean;
  status?: string;
  mtu?: number;
  tags?: string[];
}

interface OsWireSubnet {
  id: string;
  name?: string;
  network_id?: string;
  cidr?: string;
  ip_version?: number;
  gateway_ip?: string | null;
}

export interface OsWireRule {
  id: string;
  direction?: string;
  ethertype?: string;
  protocol?: string | null;
  port_range_min?: number | null;
  port_range_max?: number | null;
  remote_ip_prefix?: string | null;
  remote_group_id?: string | null;
}

interface OsWireSecurityGroup {
  id: string;
  name?: string;
  description?: string;
  security_group_rules?: OsWireRule[];
}

interface OsWirePort {
  id: string;
  network_id?: string;
  device_id?: string;
  device_owner?: string;
  fixed_ips?: Array<{ subnet_id?: string }>;
  security_groups?: string[];
}

/** Neutron's protocol numbers for the names Overcast speaks. */
const NUMBERED: Record<string, FirewallRule['protocol']> = { '6': 'tcp', '17': 'udp', '1': 'icmp' };

/**
 * A Neutron rule as Overcast's, or null for one it cannot say: a rule naming another security
 * group (not a range), an ICMP type, or a single protocol Overcast has no word for.
 */
export function toRule(r: OsWireRule): FirewallRule | null {
  const direction = r.direction === 'ingress' || r.direction === 'egress' ? r.direction : null;
  if (!direction || r.remote_group_id) return null;
  // No prefix: anywhere, in the rule's address family.
  const cidrs = [r.remote_ip_prefix ?? (r.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0')];
  const raw = r.protocol ?? null;
  const protocol = raw === null || raw === 'any' ? 'all' : (NUMBERED[raw] ?? raw);
  const from = r.port_range_min ?? null;
  const to = r.port_range_max ?? null;
  if (protocol === 'all' || protocol === 'icmp') {
    if (from !== null || to !== null) return null;
    return { direction, protocol, fromPort: null, toPort: null, cidrs };
  }
  if (protocol !== 'tcp' && protocol !== 'udp') return null;
  return { direction, protocol, fromPort: from, toPort: to ?? from, cidrs };
}

/** The Neutron rules of one of Overcast's: one per CIDR, since a Neutron rule has one prefix. */
function toWire(groupId: string, rule: FirewallRule) {
  return rule.cidrs.map((text) => {
    const cidr = splitCidr(text);
    const ported = rule.protocol === 'tcp' || rule.protocol === 'udp';
    return {
      security_group_id: groupId,
      direction: rule.direction,
      ethertype: cidr.family === 4 ? 'IPv4' : 'IPv6',
      protocol: rule.protocol === 'all' ? null : rule.protocol,
      port_range_min: ported ? rule.fromPort : null,
      port_range_max: ported ? rule.toPort : null,
      remote_ip_prefix: text,
    };
  });
}

const describeRule = (r: OsWireRule) =>
  `${r.direction} ${r.ethertype} ${r.protocol ?? 'any'}${r.port_range_min != null ? ` ${r.port_range_min}` : ''}${r.remote_group_id ? ` from group ${r.remote_group_id}` : ''}`;

/** Servers' ports only: DHCP agents and routers hold ports too, but they are no machines. */
const onServer = (p: OsWirePort) => (p.device_owner ?? '').startsWith('compute:') && Boolean(p.device_id);

export class OpenStackNetworks implements NetworkDriver, FirewallDriver {
  constructor(private readonly client: OpenStackClient) {}

  private list<T extends { id: string }>(path: string, key: string, signal?: AbortSignal) {
    return collect(markedPages<T>(this.client, 'network', path, key, signal));
  }

  private ports(signal: AbortSignal) {
    return this.list<OsWirePort>('/v2.0/ports', 'ports', signal).then((all) => all.filter(onServer));
  }

  /** The servers of each key `keysOf` gives a port (its network, subnets or security groups). */
  private static serversBy(ports: OsWirePort[], keysOf: (p: OsWirePort) => string[]) {
    const by = new Map<string, Set<string>>();
    for (const p of ports)
      for (const k of keysOf(p)) by.set(k, (by.get(k) ?? new Set()).add(p.device_id as string));
    return (key: string) => [...(by.get(key) ?? [])];
  }

  private toNetwork(n: OsWireNetwork, machineIds: string[]): RemoteNetwork {
    return {
      externalId: n.id,
      name: n.name || n.id,
      // A Neutron network has no range of its own: its subnets have.
      cidr: null,
      region: this.client.config.region,
      isDefault: false,
      machineIds,
      tags: {},
      extra: {
        shared: n.shared ?? false,
        external: n['router:external'] ?? false,
        status: n.status ?? null,
        mtu: n.mtu ?? null,
        tags: n.tags ?? [],
      },
    };
  }

  private toSubnet(s: OsWireSubnet, machineIds: string[]): RemoteSubnet {
    return {
      externalId: s.id,
      networkId: s.network_id ?? '',
      name: s.name || s.cidr || s.id,
      cidr: s.cidr ?? '',
      // Neutron places subnets in no zone: a subnet spans its network.
      location: null,
      machineIds,
      extra: { ipVersion: s.ip_version ?? null, gateway: s.gateway_ip ?? null },
    };
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const [networks, ports] = await Promise.all([
      this.list<OsWireNetwork>('/v2.0/networks', 'networks', signal),
      this.ports(signal),
    ]);
    const servers = OpenStackNetworks.serversBy(ports, (p) => (p.network_id ? [p.network_id] : []));
    return networks.map((n) => this.toNetwork(n, servers(n.id)));
  }

  async listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    const [subnets, ports] = await Promise.all([
      this.list<OsWireSubnet>('/v2.0/subnets', 'subnets', signal),
      this.ports(signal),
    ]);
    const servers = OpenStackNetworks.serversBy(ports, (p) =>
      (p.fixed_ips ?? []).flatMap((f) => (f.subnet_id ? [f.subnet_id] : [])),
    );
    return subnets.map((s) => this.toSubnet(s, servers(s.id)));
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const [groups, ports] = await Promise.all([
      this.list<OsWireSecurityGroup>('/v2.0/security-groups', 'security_groups', signal),
      this.ports(signal),
    ]);
    const servers = OpenStackNetworks.serversBy(ports, (p) => p.security_groups ?? []);
    return groups.map((g) => {
      const wire = g.security_group_rules ?? [];
      const rules = wire.map(toRule);
      return {
        externalId: g.id,
        name: g.name || g.id,
        description: g.description ?? '',
        networkId: null,
        rules: rules.filter((r): r is FirewallRule => r !== null),
        machineIds: servers(g.id),
        extra: {
          // Rules Overcast has no words for (another group as the source, ICMP types, other
          // protocols), so they are not left out unseen.
          otherRules: wire.filter((_, i) => rules[i] === null).map(describeRule),
        },
      };
    });
  }

  private async subnetOf(spec: { networkId: string; name: string; cidr: string }): Promise<RemoteSubnet> {
    const family = parseCidr(spec.cidr)?.family;
    const answer = await this.client.request<{ subnet?: OsWireSubnet }>('network', 'POST', '/v2.0/subnets', {
      body: {
        subnet: { network_id: spec.networkId, name: spec.name, cidr: spec.cidr, ip_version: family ?? 4 },
      },
    });
    return this.toSubnet(present(answer?.subnet, PROVIDER, 'subnet'), []);
  }

  /**
   * A network and, since Overcast's networks have a range and Neutron's do not, one subnet with
   * it. When Neutron refuses the subnet the network is deleted again, so nothing is left half made.
   */
  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    const answer = await this.client.request<{ network?: OsWireNetwork }>(
      'network',
      'POST',
      '/v2.0/networks',
      {
        body: { network: { name: spec.name, admin_state_up: true } },
      },
    );
    const network = present(answer?.network, PROVIDER, 'network');
    try {
      await this.subnetOf({ networkId: network.id, name: `${spec.name}-subnet`, cidr: spec.cidr });
    } catch (err) {
      await this.deleteNetwork(network.id).catch(() => undefined);
      throw err;
    }
    return this.toNetwork(network, []);
  }

  async deleteNetwork(externalId: string): Promise<void> {
    await this.client.request('network', 'DELETE', `/v2.0/networks/${resourceId(externalId, 'network')}`);
  }

  /** Neutron subnets have no zone: `location` is not used. */
  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    resourceId(spec.networkId, 'network');
    return this.subnetOf(spec);
  }

  async deleteSubnet(externalId: string): Promise<void> {
    await this.client.request('network', 'DELETE', `/v2.0/subnets/${resourceId(externalId, 'subnet')}`);
  }

  private async group(id: string): Promise<OsWireSecurityGroup> {
    const path = `/v2.0/security-groups/${resourceId(id, 'security group')}`;
    const answer = await this.client.request<{ security_group?: OsWireSecurityGroup }>(
      'network',
      'GET',
      path,
    );
    return present(answer?.security_group, PROVIDER, 'security group');
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const wire = toWire(firewallId, rule);
    const group = await this.group(firewallId);
    const held = group.security_group_rules ?? [];
    const missing = missingRules(held, toRule, rule, wire, group.name || 'The security group');
    for (const body of missing) {
      await this.client.request('network', 'POST', '/v2.0/security-group-rules', {
        body: { security_group_rule: body },
      });
    }
  }

  /** Deletes the Neutron rule of each of the rule's CIDRs; none is deleted unless all are there. */
  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const group = await this.group(firewallId);
    const held = group.security_group_rules ?? [];
    for (const w of heldRules(held, toRule, rule, group.name || 'The security group')) {
      const path = `/v2.0/security-group-rules/${resourceId(w.id, 'security group rule')}`;
      await this.client.request('network', 'DELETE', path);
    }
  }
}
