// Private networks (/v1/networks, subnets inside them) and firewalls (/v1/firewalls): the
// NetworkDriver and FirewallDriver part of the Hetzner Cloud driver. A network spans a network
// zone's locations and has no region; its subnets each sit in one network zone. A firewall
// belongs to no network: it applies to the servers it names and to those its label selectors pick.

import {
  type CreateNetworkSpec,
  type CreateSubnetSpec,
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
import type { HzWireLocation } from './map';
import { hetznerPages, numericId } from './rest';

const PROVIDER = 'Hetzner Cloud';

interface HzWireSubnet {
  type?: string;
  ip_range?: string;
  network_zone?: string;
  gateway?: string;
  vswitch_id?: number | null;
}

interface HzWireNetwork {
  id: number;
  name?: string;
  ip_range?: string;
  subnets?: HzWireSubnet[];
  servers?: number[];
  labels?: Record<string, string> | null;
  created?: string;
}

export interface HzWireRule {
  direction?: string;
  protocol?: string;
  port?: string | null;
  source_ips?: string[];
  destination_ips?: string[];
  description?: string | null;
}

type HzWireServerRef = { type?: string; server?: { id?: number } };

interface HzWireFirewall {
  id: number;
  name?: string;
  labels?: Record<string, string> | null;
  rules?: HzWireRule[];
  applied_to?: Array<
    HzWireServerRef & {
      label_selector?: { selector?: string };
      applied_to_resources?: HzWireServerRef[];
    }
  >;
}

/** "22", "80-85"; "any" (or none) is every port, which Hetzner numbers from 1. */
function portRange(port: string | null | undefined): { from: number; to: number } | null {
  if (!port || port === 'any') return { from: 1, to: 65535 };
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
  if (!m) return null;
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}

/**
 * A Hetzner rule as Overcast's, or null for one it cannot say: esp and gre are single protocols,
 * so reading them as `all` would overstate what the firewall lets through.
 */
export function toRule(r: HzWireRule): FirewallRule | null {
  const direction = r.direction === 'in' ? 'ingress' : r.direction === 'out' ? 'egress' : null;
  if (!direction) return null;
  const cidrs = [...((direction === 'ingress' ? r.source_ips : r.destination_ips) ?? [])];
  if (r.protocol === 'icmp') return { direction, protocol: 'icmp', fromPort: null, toPort: null, cidrs };
  if (r.protocol !== 'tcp' && r.protocol !== 'udp') return null;
  const range = portRange(r.port);
  if (!range) return null;
  return { direction, protocol: r.protocol, fromPort: range.from, toPort: range.to, cidrs };
}

/** The wire form of a new rule; Hetzner has no "every protocol" rule and no port 0. */
function toWire(rule: FirewallRule): HzWireRule {
  if (rule.protocol === 'all') {
    throw new ProviderError(
      'invalid',
      'Hetzner Cloud firewall rules are for tcp, udp or icmp (or esp, gre); add one rule for each protocol.',
    );
  }
  const direction = rule.direction === 'ingress' ? 'in' : 'out';
  const ips = rule.direction === 'ingress' ? { source_ips: rule.cidrs } : { destination_ips: rule.cidrs };
  if (rule.protocol === 'icmp') return { direction, protocol: 'icmp', ...ips };
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  if (from <= 1 && to === 65535) return { direction, protocol: rule.protocol, port: 'any', ...ips };
  if (from === 0) {
    throw new ProviderError('invalid', 'Hetzner Cloud ports start at 1: make the range start at 1.');
  }
  const port = from === to ? String(from) : `${from}-${to}`;
  return { direction, protocol: rule.protocol, port, ...ips };
}

/** One subnet's externalId: Hetzner's subnets have no id of their own, only their range. */
const subnetId = (networkId: number | string, ipRange: string) => `${networkId}:${ipRange}`;

function readSubnetId(externalId: string): { networkId: number; ipRange: string } {
  const at = externalId.indexOf(':');
  if (at < 0) throw new ProviderError('invalid', `'${externalId}' is not a Hetzner Cloud subnet id`);
  return { networkId: numericId(externalId.slice(0, at), 'network'), ipRange: externalId.slice(at + 1) };
}

const describeRule = (r: HzWireRule) =>
  `${r.direction} ${r.protocol} ${(r.direction === 'in' ? r.source_ips : r.destination_ips)?.join(', ') ?? ''}`;

export class HetznerNetworks implements NetworkDriver, FirewallDriver {
  constructor(private readonly api: JsonApi) {}

  private toNetwork(n: HzWireNetwork): RemoteNetwork {
    return {
      externalId: String(n.id),
      name: n.name ?? String(n.id),
      cidr: n.ip_range ?? null,
      // A network spans every location of its subnets' network zones: it has no region.
      region: null,
      isDefault: false,
      machineIds: (n.servers ?? []).map(String),
      tags: { ...(n.labels ?? {}) },
      extra: {
        id: n.id,
        networkZones: [...new Set((n.subnets ?? []).map((s) => s.network_zone))],
        created: n.created ?? null,
      },
    };
  }

  private toSubnet(n: HzWireNetwork, s: HzWireSubnet): RemoteSubnet {
    const cidr = s.ip_range ?? '';
    return {
      externalId: subnetId(n.id, cidr),
      networkId: String(n.id),
      name: `${n.name ?? n.id} ${cidr}`,
      cidr,
      location: s.network_zone ?? null,
      // Hetzner names a network's servers, not a subnet's: the network lists them.
      machineIds: [],
      extra: { type: s.type ?? null, gateway: s.gateway ?? null, vswitchId: s.vswitch_id ?? null },
    };
  }

  private networks(signal?: AbortSignal) {
    return collect(hetznerPages<HzWireNetwork>(this.api, '/networks', 'networks', signal));
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    return (await this.networks(signal)).map((n) => this.toNetwork(n));
  }

  async listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    return (await this.networks(signal)).flatMap((n) => (n.subnets ?? []).map((s) => this.toSubnet(n, s)));
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const firewalls = await collect(
      hetznerPages<HzWireFirewall>(this.api, '/firewalls', 'firewalls', signal),
    );
    return firewalls.map((f) => {
      const wire = f.rules ?? [];
      const rules = wire.map(toRule);
      const applied = f.applied_to ?? [];
      const servers = applied.flatMap((a) => [a, ...(a.applied_to_resources ?? [])]);
      const selectors = applied.flatMap((a) => a.label_selector?.selector ?? []);
      return {
        externalId: String(f.id),
        name: f.name ?? String(f.id),
        description: selectors.length ? `Applies to servers matching ${selectors.join('; ')}` : '',
        networkId: null,
        rules: rules.filter((r): r is FirewallRule => r !== null),
        machineIds: [
          ...new Set(
            servers.flatMap((s) => (s.type === 'server' && s.server?.id ? [String(s.server.id)] : [])),
          ),
        ],
        extra: {
          id: f.id,
          labelSelectors: selectors,
          labels: f.labels ?? {},
          // Rules Overcast has no words for (esp, gre), so they are not left out unseen.
          otherRules: wire.filter((_, i) => rules[i] === null).map(describeRule),
        },
      };
    });
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    // No region: a Hetzner network is placed by its subnets' network zones.
    const answer = await this.api.request<{ network?: HzWireNetwork }>('POST', '/networks', {
      body: { name: spec.name, ip_range: spec.cidr },
    });
    return this.toNetwork(present(answer?.network, PROVIDER, 'network'));
  }

  /**
   * Hetzner deletes a network with servers in it and detaches them in the background, cutting
   * them off one another unasked. Overcast deletes only an empty network, as on the other clouds.
   */
  async deleteNetwork(externalId: string): Promise<void> {
    const id = numericId(externalId, 'network');
    const { network } = await this.api.request<{ network?: HzWireNetwork }>('GET', `/networks/${id}`);
    const servers = present(network, PROVIDER, 'network').servers ?? [];
    if (servers.length > 0) {
      throw new ProviderError(
        'conflict',
        `${network?.name ?? 'The network'} still has ${servers.length} server(s) in it; detach them from it first.`,
      );
    }
    await this.api.request('DELETE', `/networks/${id}`);
  }

  /** A network zone as given ("eu-central"), or the zone of a location named instead ("fsn1"). */
  private async zone(location: string | null): Promise<string> {
    if (!location) return 'eu-central';
    const locations = await collect(hetznerPages<HzWireLocation>(this.api, '/locations', 'locations'));
    if (locations.some((l) => l.network_zone === location)) return location;
    const found = locations.find((l) => l.name === location)?.network_zone;
    if (!found) {
      throw new ProviderError(
        'invalid',
        `'${location}' is neither a Hetzner Cloud network zone (eu-central, ...) nor a location (fsn1, ...).`,
      );
    }
    return found;
  }

  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    const networkId = numericId(spec.networkId, 'network');
    const zone = await this.zone(spec.location);
    await this.api.request('POST', `/networks/${networkId}/actions/add_subnet`, {
      body: { type: 'cloud', ip_range: spec.cidr, network_zone: zone },
    });
    const { network } = await this.api.request<{ network?: HzWireNetwork }>('GET', `/networks/${networkId}`);
    const made = present(network, PROVIDER, 'network');
    const subnet = made.subnets?.find((s) => s.ip_range === spec.cidr);
    return this.toSubnet(made, present(subnet, PROVIDER, 'subnet'));
  }

  async deleteSubnet(externalId: string): Promise<void> {
    const { networkId, ipRange } = readSubnetId(externalId);
    await this.api.request('POST', `/networks/${networkId}/actions/delete_subnet`, {
      body: { ip_range: ipRange },
    });
  }

  private async firewall(externalId: string): Promise<HzWireFirewall & { id: number }> {
    const id = numericId(externalId, 'firewall');
    const { firewall } = await this.api.request<{ firewall?: HzWireFirewall }>('GET', `/firewalls/${id}`);
    return { ...present(firewall, PROVIDER, 'firewall'), id };
  }

  /**
   * Hetzner has no call for one rule: `set_rules` replaces the whole list. So a change reads the
   * list, edits it and writes it back whole, keeping the rules Overcast does not show (esp, gre)
   * and their descriptions as they were. A change made elsewhere between the read and the write
   * is lost; the next poll shows what holds.
   */
  private async setRules(id: number, rules: HzWireRule[]): Promise<void> {
    await this.api.request('POST', `/firewalls/${id}/actions/set_rules`, { body: { rules } });
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const wire = toWire(rule);
    const current = await this.firewall(firewallId);
    const held = current.rules ?? [];
    const read = toRule(wire);
    if (
      held.some((r) => {
        const h = toRule(r);
        return h !== null && read !== null && sameFirewallRule(h, read);
      })
    ) {
      throw new ProviderError('conflict', `${current.name ?? 'The firewall'} already has that rule.`);
    }
    await this.setRules(current.id, [...held, wire]);
  }

  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const current = await this.firewall(firewallId);
    const held = current.rules ?? [];
    const kept = held.filter((r) => {
      const read = toRule(r);
      return read === null || !sameFirewallRule(read, rule);
    });
    if (kept.length === held.length) {
      throw new ProviderError('not-found', `${current.name ?? 'The firewall'} has no such rule.`);
    }
    await this.setRules(current.id, kept);
  }
}
