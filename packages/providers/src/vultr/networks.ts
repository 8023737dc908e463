// VPCs (/v2/vpcs) and firewall groups (/v2/firewalls, rules under each): the NetworkDriver and
// FirewallDriver part of the Vultr driver. A VPC is one regional private range without subnets
// (the module says `subnets: false`); Vultr lists no VPC's instances, only each instance's VPCs.
// A firewall group belongs to no VPC: instances point to it with `firewall_group_id`. Its rules
// are inbound accept rules with one source range each.

import {
  type CreateNetworkSpec,
  type FirewallDriver,
  type FirewallRule,
  type NetworkDriver,
  ProviderError,
  type RemoteFirewall,
  type RemoteNetwork,
} from '@overcast/contracts';
import { collect, type JsonApi, present } from '../common/json-api';
import { heldRules, missingRules, splitCidr } from '../common/per-cidr-rules';
import { noSubnets } from '../common/with-networks';
import type { VultrWireInstance } from './map';
import { vultrId, vultrPages } from './wire';

const PROVIDER = 'Vultr';

interface VultrWireVpc {
  id: string;
  region?: string;
  description?: string;
  v4_subnet?: string;
  v4_subnet_mask?: number;
  date_created?: string;
}

interface VultrWireFirewallGroup {
  id: string;
  description?: string;
  rule_count?: number;
  max_rule_count?: number;
  date_modified?: string;
}

export interface VultrWireRule {
  id?: number;
  ip_type?: string;
  protocol?: string;
  port?: string;
  subnet?: string;
  subnet_size?: number;
  source?: string;
  notes?: string;
}

/** "22", "8000:9000"; '' is every port, which Vultr numbers from 1. */
function portRange(port: string | undefined): { from: number; to: number } | null {
  if (!port) return { from: 1, to: 65535 };
  const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(port);
  if (!m) return null;
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}

/**
 * A Vultr rule as Overcast's, or null for one it cannot say: gre, esp and ah are single protocols
 * (not `all`), and a Cloudflare-sourced rule opens Cloudflare's changing ranges, not one CIDR.
 */
export function toRule(r: VultrWireRule): FirewallRule | null {
  if (r.source === 'cloudflare' || r.subnet === undefined || r.subnet_size === undefined) return null;
  const cidrs = [`${r.subnet}/${r.subnet_size}`];
  const protocol = r.protocol?.toLowerCase();
  if (protocol === 'icmp') return { direction: 'ingress', protocol, fromPort: null, toPort: null, cidrs };
  if (protocol !== 'tcp' && protocol !== 'udp') return null;
  const range = portRange(r.port);
  if (!range) return null;
  return { direction: 'ingress', protocol, fromPort: range.from, toPort: range.to, cidrs };
}

/** The wire rules of one of Overcast's: one per CIDR, since a Vultr rule has one source range. */
function toWire(rule: FirewallRule): VultrWireRule[] {
  if (rule.direction === 'egress') {
    throw new ProviderError(
      'invalid',
      'Vultr firewall groups filter inbound traffic only; every outbound connection is allowed.',
    );
  }
  if (rule.protocol === 'all') {
    throw new ProviderError(
      'invalid',
      'Vultr firewall rules are for tcp, udp or icmp (or gre, esp, ah); add one rule for each protocol.',
    );
  }
  let port = '';
  if (rule.protocol !== 'icmp') {
    const from = rule.fromPort ?? 0;
    const to = rule.toPort ?? 65535;
    if (from === 0 && to !== 65535) {
      throw new ProviderError('invalid', 'Vultr ports start at 1: make the range start at 1.');
    }
    if (!(from <= 1 && to === 65535)) port = from === to ? String(from) : `${from}:${to}`;
  }
  return rule.cidrs.map((text) => {
    const cidr = splitCidr(text);
    return {
      ip_type: cidr.family === 4 ? 'v4' : 'v6',
      protocol: rule.protocol,
      port,
      subnet: cidr.address,
      subnet_size: cidr.bits,
    };
  });
}

const describeRule = (r: VultrWireRule) =>
  `${r.protocol ?? ''} ${r.source === 'cloudflare' ? 'from Cloudflare' : `${r.subnet}/${r.subnet_size}`}`;

const GROUP = 'The firewall group';

export class VultrNetworks implements NetworkDriver, FirewallDriver {
  constructor(private readonly api: JsonApi) {}

  private toNetwork(v: VultrWireVpc, machineIds: string[]): RemoteNetwork {
    return {
      externalId: v.id,
      name: v.description || v.id,
      cidr: v.v4_subnet && v.v4_subnet_mask !== undefined ? `${v.v4_subnet}/${v.v4_subnet_mask}` : null,
      region: v.region ?? null,
      isDefault: false,
      machineIds,
      tags: {},
      extra: { created: v.date_created ?? null },
    };
  }

  private instances(signal: AbortSignal) {
    return collect(vultrPages<VultrWireInstance>(this.api, '/instances', 'instances', signal));
  }

  /**
   * Each VPC's instances. Vultr lists VPCs per instance only, so only the instances with an
   * `internal_ip` (those in some VPC) are asked: the rest cost nothing.
   */
  private async members(signal: AbortSignal): Promise<Map<string, string[]>> {
    const byVpc = new Map<string, string[]>();
    for (const i of await this.instances(signal)) {
      if (!i.internal_ip) continue;
      const path = `/instances/${vultrId(i.id, 'instance')}/vpcs`;
      for await (const v of vultrPages<{ id: string }>(this.api, path, 'vpcs', signal)) {
        byVpc.set(v.id, [...(byVpc.get(v.id) ?? []), i.id]);
      }
    }
    return byVpc;
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const vpcs = await collect(vultrPages<VultrWireVpc>(this.api, '/vpcs', 'vpcs', signal));
    if (vpcs.length === 0) return [];
    const members = await this.members(signal);
    return vpcs.map((v) => this.toNetwork(v, members.get(v.id) ?? []));
  }

  /** Vultr's VPCs are not divided into subnets. */
  readonly listSubnets = noSubnets;

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const groups = await collect(
      vultrPages<VultrWireFirewallGroup>(this.api, '/firewalls', 'firewall_groups', signal),
    );
    if (groups.length === 0) return [];
    const byGroup = new Map<string, string[]>();
    for (const i of await this.instances(signal)) {
      if (i.firewall_group_id)
        byGroup.set(i.firewall_group_id, [...(byGroup.get(i.firewall_group_id) ?? []), i.id]);
    }
    const out: RemoteFirewall[] = [];
    // One rules listing per group, one after another: accounts have a handful of groups.
    for (const g of groups) {
      const wire = await this.rules(g.id, signal);
      const rules = wire.map(toRule);
      out.push({
        externalId: g.id,
        name: g.description || g.id,
        description: '',
        networkId: null,
        rules: rules.filter((r): r is FirewallRule => r !== null),
        machineIds: byGroup.get(g.id) ?? [],
        extra: {
          maxRuleCount: g.max_rule_count ?? null,
          modified: g.date_modified ?? null,
          // Rules Overcast has no words for (gre, esp, ah, Cloudflare's ranges), so they are not left out unseen.
          otherRules: wire.filter((_, i) => rules[i] === null).map(describeRule),
        },
      });
    }
    return out;
  }

  private rules(groupId: string, signal?: AbortSignal): Promise<VultrWireRule[]> {
    const path = `/firewalls/${vultrId(groupId, 'firewall group')}/rules`;
    return collect(vultrPages<VultrWireRule>(this.api, path, 'firewall_rules', signal));
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    if (!spec.region) {
      throw new ProviderError('invalid', 'A Vultr VPC is made in one region: name it (ewr, ams, ...).');
    }
    const [subnet, bits] = spec.cidr.split('/');
    const answer = await this.api.request<{ vpc?: VultrWireVpc }>('POST', '/vpcs', {
      body: {
        region: spec.region,
        description: spec.name,
        v4_subnet: subnet,
        v4_subnet_mask: Number(bits),
      },
    });
    return this.toNetwork(present(answer?.vpc, PROVIDER, 'VPC'), []);
  }

  async deleteNetwork(externalId: string): Promise<void> {
    await this.api.request('DELETE', `/vpcs/${vultrId(externalId, 'VPC')}`);
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const wire = toWire(rule);
    const missing = missingRules(await this.rules(firewallId), toRule, rule, wire, GROUP);
    const path = `/firewalls/${vultrId(firewallId, 'firewall group')}/rules`;
    for (const body of missing) await this.api.request('POST', path, { body });
  }

  /** Deletes the Vultr rule of each of the rule's CIDRs; none is deleted unless all are there. */
  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const found = heldRules(await this.rules(firewallId), toRule, rule, GROUP);
    const base = `/firewalls/${vultrId(firewallId, 'firewall group')}/rules`;
    for (const w of found) await this.api.request('DELETE', `${base}/${w.id}`);
  }
}
