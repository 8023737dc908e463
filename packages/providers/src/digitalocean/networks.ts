// VPCs (/v2/vpcs, members from /v2/vpcs/{id}/members) and cloud firewalls (/v2/firewalls): the
// NetworkDriver part of the DigitalOcean driver. DigitalOcean's VPCs have no subnets (the
// module says `subnets: false`), and a firewall belongs to no VPC: it applies to the droplets it
// names and to those carrying its tags.

import {
  type CreateNetworkSpec,
  type FirewallDriver,
  type FirewallProtocol,
  type FirewallRule,
  type NetworkDriver,
  ProviderError,
  type RemoteFirewall,
  type RemoteNetwork,
  sameFirewallRule,
} from '@overcast/contracts';
import { noSubnets } from '../common/with-networks';
import type { DoClient } from './client';
import { listAll, present } from './list-all';
import type { DoWireDroplet } from './wire';

interface DoWireVpc {
  id?: string;
  urn?: string;
  name?: string;
  description?: string;
  region?: string;
  ip_range?: string;
  default?: boolean;
}

interface DoWireRuleNodes {
  addresses?: string[];
  droplet_ids?: number[];
  tags?: string[];
  load_balancer_uids?: string[];
}

interface DoWireRule {
  protocol?: string;
  ports?: string;
  sources?: DoWireRuleNodes;
  destinations?: DoWireRuleNodes;
}

interface DoWireFirewall {
  id?: string;
  name?: string;
  status?: string;
  inbound_rules?: DoWireRule[];
  outbound_rules?: DoWireRule[];
  droplet_ids?: number[];
  tags?: string[];
}

const PROTOCOLS = new Set<FirewallProtocol>(['tcp', 'udp', 'icmp']);

/** "0", "all" or "" is every port; "22" and "8000-9000" as written. */
function portRange(ports: string | undefined): { from: number; to: number } {
  if (!ports || ports === '0' || ports === 'all') return { from: 0, to: 65535 };
  const [from, to] = ports.split('-').map(Number);
  return { from: from!, to: to ?? from! };
}

function toRule(direction: FirewallRule['direction'], r: DoWireRule): FirewallRule | null {
  const protocol = r.protocol as FirewallProtocol;
  if (!PROTOCOLS.has(protocol)) return null;
  const nodes = (direction === 'ingress' ? r.sources : r.destinations) ?? {};
  const ported = protocol !== 'icmp';
  const range = portRange(r.ports);
  return {
    direction,
    protocol,
    fromPort: ported ? range.from : null,
    toPort: ported ? range.to : null,
    cidrs: [...(nodes.addresses ?? [])],
  };
}

/** The wire form of a new rule; DigitalOcean has no "every protocol" rule. */
function toWire(rule: FirewallRule): DoWireRule {
  if (rule.protocol === 'all') {
    throw new ProviderError(
      'invalid',
      'DigitalOcean firewall rules are for tcp, udp or icmp; add one rule for each protocol.',
    );
  }
  const every = rule.fromPort === 0 && rule.toPort === 65535;
  const ports =
    rule.protocol === 'icmp' || every
      ? '0'
      : rule.fromPort === rule.toPort
        ? String(rule.fromPort)
        : `${rule.fromPort}-${rule.toPort}`;
  const nodes = { addresses: rule.cidrs };
  return rule.direction === 'ingress'
    ? { protocol: rule.protocol, ports, sources: nodes }
    : { protocol: rule.protocol, ports, destinations: nodes };
}

const rulesKey = (rule: FirewallRule) => (rule.direction === 'ingress' ? 'inbound_rules' : 'outbound_rules');

/** The body of POST and DELETE /v2/firewalls/{id}/rules for one rule. */
function ruleChange(direction: FirewallRule['direction'], wire: DoWireRule) {
  const protocol = wire.protocol ?? '';
  const ports = wire.ports ?? '0';
  return direction === 'ingress'
    ? { inbound_rules: [{ protocol, ports, sources: wire.sources ?? {} }], outbound_rules: [] }
    : { inbound_rules: [], outbound_rules: [{ protocol, ports, destinations: wire.destinations ?? {} }] };
}

export class DigitalOceanNetworks implements NetworkDriver, FirewallDriver {
  constructor(
    private readonly client: DoClient,
    private readonly perPage: number,
  ) {}

  private async members(vpcId: string, signal: AbortSignal): Promise<string[]> {
    const members = await listAll<{ urn?: string }>(
      this.client,
      (api, page) =>
        api.vpc.listVpcResources({ vpc_id: vpcId, resource_type: 'droplet', page, per_page: this.perPage }),
      'members',
      signal,
    );
    return members.flatMap((m) => /^do:droplet:(\d+)$/.exec(m.urn ?? '')?.[1] ?? []);
  }

  private toNetwork(v: DoWireVpc, machineIds: string[]): RemoteNetwork {
    return {
      externalId: v.id ?? '',
      name: v.name ?? v.id ?? '',
      cidr: v.ip_range ?? null,
      region: v.region ?? null,
      isDefault: v.default ?? false,
      machineIds,
      tags: {},
      extra: { urn: v.urn ?? null, description: v.description ?? '' },
    };
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const vpcs = await listAll<DoWireVpc>(
      this.client,
      (api, page) => api.vpc.listVpcs({ page, per_page: this.perPage }),
      'vpcs',
      signal,
    );
    const out: RemoteNetwork[] = [];
    // One members listing per VPC, one after another: accounts have a handful of VPCs.
    for (const v of vpcs) out.push(this.toNetwork(v, await this.members(v.id ?? '', signal)));
    return out;
  }

  /** DigitalOcean's VPCs are not divided into subnets. */
  readonly listSubnets = noSubnets;

  private async dropletsTagged(tag: string, signal: AbortSignal): Promise<string[]> {
    const droplets = await listAll<DoWireDroplet>(
      this.client,
      (api, page) => api.droplet.listDroplets({ tag_name: tag, page, per_page: this.perPage }),
      'droplets',
      signal,
    );
    return droplets.map((d) => String(d.id));
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const firewalls = await listAll<DoWireFirewall>(
      this.client,
      (api, page) => api.firewall.listFirewalls({ page, per_page: this.perPage }),
      'firewalls',
      signal,
    );
    const byTag = new Map<string, string[]>();
    for (const tag of new Set(firewalls.flatMap((f) => f.tags ?? []))) {
      byTag.set(tag, await this.dropletsTagged(tag, signal));
    }
    return firewalls.map((f) => {
      const rules = [
        ...(f.inbound_rules ?? []).map((r) => toRule('ingress', r)),
        ...(f.outbound_rules ?? []).map((r) => toRule('egress', r)),
      ].filter((r): r is FirewallRule => r !== null);
      const machines = new Set([
        ...(f.droplet_ids ?? []).map(String),
        ...(f.tags ?? []).flatMap((t) => byTag.get(t) ?? []),
      ]);
      return {
        externalId: f.id ?? '',
        name: f.name ?? f.id ?? '',
        description: f.tags?.length ? `Applies to droplets tagged ${f.tags.join(', ')}` : '',
        networkId: null,
        rules,
        machineIds: [...machines],
        extra: { status: f.status ?? null, tags: f.tags ?? [], dropletIds: f.droplet_ids ?? [] },
      };
    });
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    if (!spec.region) {
      throw new ProviderError(
        'invalid',
        'A DigitalOcean VPC is made in one region: name it (nyc3, fra1, ...).',
      );
    }
    const data = await this.client.post((api) =>
      api.vpc.createVpc({ name: spec.name, region: spec.region!, ip_range: spec.cidr }),
    );
    return this.toNetwork(present(data?.vpc, 'vpc'), []);
  }

  async deleteNetwork(externalId: string): Promise<void> {
    await this.client.get((api) => api.vpc.deleteVpc({ vpc_id: externalId }));
  }

  private async firewall(id: string): Promise<DoWireFirewall> {
    const data = await this.client.get((api) => api.firewall.getFirewall({ firewall_id: id }));
    return present(data?.firewall, 'firewall') as DoWireFirewall;
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const wire = toWire(rule);
    const current = await this.firewall(firewallId);
    const held = (current[rulesKey(rule)] ?? []).map((r) => toRule(rule.direction, r));
    if (held.some((r) => r && sameFirewallRule(r, rule))) {
      throw new ProviderError('conflict', `${current.name ?? 'The firewall'} already has that rule.`);
    }
    await this.client.post((api) =>
      api.firewall.addRulesToFirewall({ firewall_id: firewallId, ...ruleChange(rule.direction, wire) }),
    );
  }

  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const current = await this.firewall(firewallId);
    // Sent back as stored, droplets and tags included, so DigitalOcean matches it exactly.
    const stored = (current[rulesKey(rule)] ?? []).find((r) => {
      const read = toRule(rule.direction, r);
      return read !== null && sameFirewallRule(read, rule);
    });
    if (!stored) throw new ProviderError('not-found', `${current.name ?? 'The firewall'} has no such rule.`);
    // Removing a rule that is gone already changes nothing, so a retry is safe.
    await this.client.get((api) =>
      api.firewall.removeRulesFromFirewall({
        firewall_id: firewallId,
        ...ruleChange(rule.direction, stored),
      }),
    );
  }
}
