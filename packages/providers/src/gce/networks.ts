// VPC networks, subnetworks and firewall rules: the NetworkDriver part of the Compute Engine
// driver. Compute Engine's firewall rules belong to a network and reach instances by target
// tag, so a network's rules are shown as firewalls by target: one for the rules that apply to
// every instance in it, one per set of target tags. Adding a rule to such a firewall makes a
// Compute Engine firewall rule with that network and those tags; removing one takes its
// protocol and ports out of the rule that holds it (deleting the rule when nothing is left).

import { randomBytes } from 'node:crypto';
import type { protos } from '@google-cloud/compute';
import {
  type CreateNetworkSpec,
  type CreateSubnetSpec,
  type FirewallDriver,
  type FirewallProtocol,
  type FirewallRule,
  type NetworkDriver,
  ProviderError,
  type RemoteFirewall,
  type RemoteNetwork,
  type RemoteSubnet,
  sameFirewallRule,
} from '@overcast/contracts';
import type { GceApi } from './client';
import { lastSegment } from './map';
import { mutate } from './operations';

type Firewall = protos.google.cloud.compute.v1.IFirewall;
type Entry = protos.google.cloud.compute.v1.IAllowed;

/** Where one instance sits: its networks, subnetworks (region/name) and network tags. */
interface Placement {
  id: string;
  networks: string[];
  subnets: string[];
  tags: string[];
}

const regionOfZone = (zone: string) => zone.replace(/-[a-z]$/, '');
const ALL_PORTS = { from: 0, to: 65535 };
const PORTED = new Set<FirewallProtocol>(['tcp', 'udp']);

/** A firewall's id: the network for rules on every instance, `network#tag,tag` for tagged ones. */
function targetId(network: string, tags: readonly string[]): string {
  return tags.length ? `${network}#${[...tags].sort().join(',')}` : network;
}

function parseTarget(id: string): { network: string; tags: string[] } {
  const m = /^([a-z]([-a-z0-9]*[a-z0-9])?)(?:#([a-z0-9,-]+))?$/.exec(id);
  if (!m)
    throw new ProviderError(
      'invalid',
      `'${id}' is not a Compute Engine firewall id (network or network#tags)`,
    );
  return { network: m[1]!, tags: m[3] ? m[3].split(',') : [] };
}

const targetsOf = (f: Firewall) => targetId(lastSegment(f.network) ?? '', f.targetTags ?? []);

function protocolOf(raw: string | null | undefined): FirewallProtocol | null {
  const p = (raw ?? '').toLowerCase();
  if (p === 'tcp' || p === '6') return 'tcp';
  if (p === 'udp' || p === '17') return 'udp';
  if (p === 'icmp' || p === '1') return 'icmp';
  return p === 'all' ? 'all' : null;
}

function portRange(spec: string): { from: number; to: number } {
  const [from, to] = spec.split('-').map(Number);
  return { from: from!, to: to ?? from! };
}

const portSpec = (rule: FirewallRule) =>
  rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`;

const rangesOf = (f: Firewall) => (f.direction === 'EGRESS' ? f.destinationRanges : f.sourceRanges) ?? [];

/** One allow rule per protocol and port range of a Compute Engine rule; protocols we do not model are left out. */
function rulesOf(f: Firewall): FirewallRule[] {
  const direction = f.direction === 'EGRESS' ? 'egress' : 'ingress';
  const cidrs = [...rangesOf(f)];
  return (f.allowed ?? []).flatMap((entry): FirewallRule[] => {
    const protocol = protocolOf(entry.IPProtocol);
    if (!protocol) return [];
    if (!PORTED.has(protocol)) return [{ direction, protocol, fromPort: null, toPort: null, cidrs }];
    const ranges = entry.ports?.length ? entry.ports.map(portRange) : [ALL_PORTS];
    return ranges.map((r) => ({ direction, protocol, fromPort: r.from, toPort: r.to, cidrs }));
  });
}

/** `entry` without the part `rule` names; null when nothing of it is left. */
function withoutRule(entry: Entry, rule: FirewallRule): Entry | null {
  if (!PORTED.has(rule.protocol)) return null;
  const ports = entry.ports?.length ? entry.ports : ['0-65535'];
  const left = ports.filter((p) => {
    const r = portRange(p);
    return r.from !== rule.fromPort || r.to !== rule.toPort;
  });
  return left.length ? { IPProtocol: entry.IPProtocol, ports: left } : null;
}

/** A new rule's name: what it lets through, and a random tail so names never collide. */
function ruleName(network: string, rule: FirewallRule): string {
  const what = [network, rule.direction === 'ingress' ? 'in' : 'out', rule.protocol];
  if (PORTED.has(rule.protocol)) what.push(portSpec(rule));
  const head = what.join('-').slice(0, 54).replace(/-+$/, '');
  return `${head}-${randomBytes(4).toString('hex')}`;
}

export class GceNetworks implements NetworkDriver, FirewallDriver {
  constructor(private readonly api: GceApi) {}

  private get project() {
    return this.api.config.project;
  }

  private opts(signal?: AbortSignal) {
    return this.api.callOptions(signal);
  }

  private async placements(signal: AbortSignal): Promise<Placement[]> {
    const out: Placement[] = [];
    const pages = this.api.instances.aggregatedListAsync(
      { project: this.project, maxResults: this.api.config.pageSize },
      this.opts(signal),
    );
    for await (const [scope, list] of this.api.pages(pages, signal)) {
      if (!scope.startsWith('zones/')) continue;
      const zone = scope.slice('zones/'.length);
      for (const inst of list.instances ?? []) {
        const nics = inst.networkInterfaces ?? [];
        out.push({
          id: `${zone}/${inst.name}`,
          networks: nics.map((n) => lastSegment(n.network) ?? ''),
          subnets: nics.map((n) => `${regionOfZone(zone)}/${lastSegment(n.subnetwork) ?? ''}`),
          tags: [...(inst.tags?.items ?? [])],
        });
      }
    }
    return out;
  }

  private async all<T>(iterable: AsyncIterable<T>, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.api.pages(iterable, signal)) out.push(item);
    return out;
  }

  /** Every item of one of the project's listings, page after page. */
  private list<T>(
    signal: AbortSignal | undefined,
    call: (
      request: { project: string; maxResults: number },
      options: ReturnType<GceApi['callOptions']>,
    ) => AsyncIterable<T>,
  ): Promise<T[]> {
    return this.all(
      call({ project: this.project, maxResults: this.api.config.pageSize }, this.opts(signal)),
      signal,
    );
  }

  private firewalls(signal?: AbortSignal): Promise<Firewall[]> {
    return this.list(signal, (r, o) => this.api.firewalls.listAsync(r, o));
  }

  private networkList(signal: AbortSignal) {
    return this.list(signal, (r, o) => this.api.networks.listAsync(r, o));
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const [networks, placements] = await Promise.all([this.networkList(signal), this.placements(signal)]);
    return networks.map((n) => ({
      externalId: n.name ?? '',
      name: n.name ?? '',
      // Only legacy networks have a range of their own; VPC networks' ranges are their subnets'.
      cidr: n.IPv4Range ?? null,
      region: null,
      isDefault: n.name === 'default',
      machineIds: placements.filter((p) => p.networks.includes(n.name ?? '')).map((p) => p.id),
      tags: {},
      extra: {
        id: n.id ?? null,
        mode: n.IPv4Range ? 'legacy' : n.autoCreateSubnetworks ? 'auto' : 'custom',
        routingMode: n.routingConfig?.routingMode ?? null,
        mtu: n.mtu ?? null,
      },
    }));
  }

  async listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    const [scopes, placements] = await Promise.all([
      this.list(signal, (r, o) => this.api.subnetworks.aggregatedListAsync(r, o)),
      this.placements(signal),
    ]);
    return scopes.flatMap(([scope, list]) => {
      if (!scope.startsWith('regions/')) return [];
      const region = scope.slice('regions/'.length);
      return (list.subnetworks ?? []).map((s) => {
        const id = `${region}/${s.name}`;
        return {
          externalId: id,
          networkId: lastSegment(s.network) ?? '',
          name: s.name ?? '',
          cidr: s.ipCidrRange ?? '',
          location: region,
          machineIds: placements.filter((p) => p.subnets.includes(id)).map((p) => p.id),
          extra: { gatewayAddress: s.gatewayAddress ?? null, purpose: s.purpose ?? null },
        };
      });
    });
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const [firewalls, placements, networks] = await Promise.all([
      this.firewalls(signal),
      this.placements(signal),
      this.networkList(signal),
    ]);
    // Every network has its "all instances" firewall, so a rule can be added to a new network.
    const groups = new Map<string, Firewall[]>(networks.map((n) => [targetId(n.name ?? '', []), []]));
    for (const f of firewalls) {
      // Rules aimed at service accounts pick their instances by something we do not list.
      if (f.targetServiceAccounts?.length) continue;
      const id = targetsOf(f);
      groups.set(id, [...(groups.get(id) ?? []), f]);
    }
    return [...groups].map(([id, members]) => {
      const { network, tags } = parseTarget(id);
      const live = members
        .filter((f) => !f.disabled)
        .sort((a, b) => (a.priority ?? 1000) - (b.priority ?? 1000));
      const rules: FirewallRule[] = [];
      for (const rule of live.flatMap(rulesOf))
        if (!rules.some((r) => sameFirewallRule(r, rule))) rules.push(rule);
      const inNetwork = placements.filter((p) => p.networks.includes(network));
      return {
        externalId: id,
        name: tags.length ? `${network}: tagged ${tags.join(', ')}` : `${network}: all instances`,
        description: members.length
          ? `Compute Engine rules ${members.map((f) => f.name).join(', ')}`
          : 'No Compute Engine rules yet',
        networkId: network,
        rules,
        machineIds: inNetwork
          .filter((p) => tags.some((t) => p.tags.includes(t)) || !tags.length)
          .map((p) => p.id),
        extra: {
          targetTags: tags,
          gceRules: members.map((f) => f.name),
          denyRules: live.filter((f) => f.denied?.length).map((f) => f.name),
          disabledRules: members.filter((f) => f.disabled).map((f) => f.name),
        },
      };
    });
  }

  private region(location: string | null): string {
    if (!location) {
      throw new ProviderError(
        'invalid',
        'Compute Engine subnetworks are regional: name a region (us-central1) or one of its zones.',
      );
    }
    return regionOfZone(location);
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    // A custom mode network with its first subnetwork: Compute Engine keeps ranges on subnetworks.
    const region = this.region(spec.region);
    await mutate(this.api, 'global', () =>
      this.api.networks.insert(
        {
          project: this.project,
          networkResource: {
            name: spec.name,
            autoCreateSubnetworks: false,
            routingConfig: { routingMode: 'REGIONAL' },
          },
        },
        this.opts(),
      ),
    );
    try {
      await this.createSubnet({ networkId: spec.name, name: spec.name, cidr: spec.cidr, location: region });
    } catch (err) {
      // Leave nothing half made: a network without the range asked for is not what was wanted.
      await this.deleteNetwork(spec.name).catch(() => undefined);
      throw err;
    }
    return {
      externalId: spec.name,
      name: spec.name,
      cidr: null,
      region: null,
      isDefault: false,
      machineIds: [],
      tags: {},
      extra: { mode: 'custom' },
    };
  }

  async deleteNetwork(externalId: string): Promise<void> {
    await mutate(this.api, 'global', () =>
      this.api.networks.delete({ project: this.project, network: externalId }, this.opts()),
    );
  }

  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    const region = this.region(spec.location);
    await mutate(this.api, { region }, () =>
      this.api.subnetworks.insert(
        {
          project: this.project,
          region,
          subnetworkResource: {
            name: spec.name,
            network: `projects/${this.project}/global/networks/${spec.networkId}`,
            ipCidrRange: spec.cidr,
          },
        },
        this.opts(),
      ),
    );
    return {
      externalId: `${region}/${spec.name}`,
      networkId: spec.networkId,
      name: spec.name,
      cidr: spec.cidr,
      location: region,
      machineIds: [],
      extra: {},
    };
  }

  async deleteSubnet(externalId: string): Promise<void> {
    const m = /^([a-z0-9-]+)\/([a-z]([-a-z0-9]*[a-z0-9])?)$/.exec(externalId);
    if (!m)
      throw new ProviderError('invalid', `'${externalId}' is not a subnetwork id (expected region/name)`);
    await mutate(this.api, { region: m[1]! }, () =>
      this.api.subnetworks.delete({ project: this.project, region: m[1]!, subnetwork: m[2]! }, this.opts()),
    );
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const { network, tags } = parseTarget(firewallId);
    const existing = (await this.firewalls()).filter((f) => targetsOf(f) === firewallId && !f.disabled);
    if (existing.flatMap(rulesOf).some((r) => sameFirewallRule(r, rule))) {
      throw new ProviderError('conflict', `The firewall of ${network} already has that rule.`);
    }
    const ported = PORTED.has(rule.protocol);
    const ranges =
      rule.direction === 'ingress' ? { sourceRanges: rule.cidrs } : { destinationRanges: rule.cidrs };
    await mutate(this.api, 'global', () =>
      this.api.firewalls.insert(
        {
          project: this.project,
          firewallResource: {
            name: ruleName(network, rule),
            network: `projects/${this.project}/global/networks/${network}`,
            direction: rule.direction === 'ingress' ? 'INGRESS' : 'EGRESS',
            priority: 1000,
            allowed: [{ IPProtocol: rule.protocol, ...(ported ? { ports: [portSpec(rule)] } : {}) }],
            ...ranges,
            ...(tags.length ? { targetTags: tags } : {}),
          },
        },
        this.opts(),
      ),
    );
  }

  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const { network } = parseTarget(firewallId);
    const holder = (await this.firewalls()).find(
      (f) => targetsOf(f) === firewallId && !f.disabled && rulesOf(f).some((r) => sameFirewallRule(r, rule)),
    );
    if (!holder?.name) {
      throw new ProviderError('not-found', `The firewall of ${network} has no such rule.`);
    }
    const allowed = (holder.allowed ?? []).flatMap((entry) => {
      if (protocolOf(entry.IPProtocol) !== rule.protocol) return [entry];
      const left = withoutRule(entry, rule);
      return left ? [left] : [];
    });
    const name = holder.name;
    await mutate(this.api, 'global', () =>
      allowed.length
        ? this.api.firewalls.patch(
            { project: this.project, firewall: name, firewallResource: { allowed } },
            this.opts(),
          )
        : this.api.firewalls.delete({ project: this.project, firewall: name }, this.opts()),
    );
  }
}
