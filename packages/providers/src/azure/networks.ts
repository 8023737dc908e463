// Azure's virtual networks (address spaces and subnets, per resource group and location) and
// network security groups (their security rules as firewalls), as the NetworkDriver and
// FirewallDriver part of the Azure driver, on its clients. VMs sit in them through their NICs:
// a NIC's IP configurations name its subnets, and an NSG applies to the VMs of the NICs it is
// on and of the NICs in the subnets it is on.

import { randomBytes } from 'node:crypto';
import type {
  NetworkInterface,
  NetworkSecurityGroup,
  SecurityRule,
  VirtualNetwork,
} from '@azure/arm-network';
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
import type { AzureApi } from './client';
import type { AzureConfig } from './config';
import { parseNetworkId } from './ids';
import { nextPriority, ruleSummary, toRules, toWire } from './security-rules';
import { subscriptionIds, targetSubscription } from './subscriptions';

/** Azure's rule for virtual network names; subnets and rules may be up to 80 long. */
const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/;

interface Listing {
  vnets: VirtualNetwork[];
  nsgs: NetworkSecurityGroup[];
  /** NIC id (lower case) -> the VM it belongs to, as the VM list spells its id. */
  vmOfNic: Map<string, string>;
  /** Subnet id (lower case) -> ids of the NICs in it (lower case). */
  nicsOfSubnet: Map<string, Set<string>>;
  /** NSG id (lower case) -> ids of the NICs it applies to directly (lower case). */
  nicsOfNsg: Map<string, Set<string>>;
}

const key = (id: string | undefined) => (id ?? '').toLowerCase();
/** "…/networkInterfaces/N/ipConfigurations/C" -> the NIC's id. */
const nicOfIpConfig = (id: string | undefined) => key(id).replace(/\/ipconfigurations\/[^/]+$/, '');

function add(map: Map<string, Set<string>>, k: string, v: string) {
  if (!k || !v) return;
  const set = map.get(k) ?? new Set();
  map.set(k, set.add(v));
}

function checkName(name: string, what: string, max: number) {
  if (name.length > max || !NAME.test(name))
    throw new ProviderError(
      'invalid',
      `'${name}' is not a valid Azure ${what} name: 1 to ${max} letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'.`,
    );
}

export class AzureNetworks implements NetworkDriver, FirewallDriver {
  /** The listing in flight: the poll asks for networks, subnets and firewalls at once. */
  private reading: Promise<Listing> | null = null;

  constructor(
    private readonly arm: AzureApi,
    private readonly settings: AzureConfig,
  ) {}

  private listing(signal: AbortSignal): Promise<Listing> {
    if (!this.reading) {
      this.reading = this.read(signal).finally(() => {
        this.reading = null;
      });
    }
    return this.reading;
  }

  private async read(signal: AbortSignal): Promise<Listing> {
    const out: Listing = {
      vnets: [],
      nsgs: [],
      vmOfNic: new Map(),
      nicsOfSubnet: new Map(),
      nicsOfNsg: new Map(),
    };
    for (const subscriptionId of await subscriptionIds(this.arm, this.settings, signal)) {
      const { network, compute } = this.arm.clients(subscriptionId);
      const all = <T>(
        open: () => { byPage(s?: { continuationToken?: string }): AsyncIterableIterator<T[]> },
      ) => this.collect(open, signal);
      const [vnets, nsgs, nics, vms] = await Promise.all([
        all(() => network.virtualNetworks.listAll({ abortSignal: signal })),
        all(() => network.networkSecurityGroups.listAll({ abortSignal: signal })),
        all(() => network.networkInterfaces.listAll({ abortSignal: signal })),
        all(() => compute.virtualMachines.listAll({ abortSignal: signal })),
      ]);
      out.vnets.push(...vnets);
      out.nsgs.push(...nsgs);
      // NICs name their VM in whatever case ARM stored the reference; machines go by the VM's own id.
      const vmIds = new Map(vms.filter((v) => v.id).map((v) => [key(v.id), v.id!]));
      for (const nic of nics as NetworkInterface[]) {
        const id = key(nic.id);
        const vm = nic.virtualMachine?.id;
        if (vm) out.vmOfNic.set(id, vmIds.get(key(vm)) ?? vm);
        for (const c of nic.ipConfigurations ?? []) add(out.nicsOfSubnet, key(c.subnet?.id), id);
        add(out.nicsOfNsg, key(nic.networkSecurityGroup?.id), id);
      }
      // The subnets name their NICs too (by IP configuration); either side is enough.
      for (const v of vnets)
        for (const s of v.subnets ?? [])
          for (const c of s.ipConfigurations ?? []) add(out.nicsOfSubnet, key(s.id), nicOfIpConfig(c.id));
      for (const g of nsgs)
        for (const n of g.networkInterfaces ?? []) add(out.nicsOfNsg, key(g.id), key(n.id));
    }
    return out;
  }

  private async collect<T>(
    open: () => { byPage(s?: { continuationToken?: string }): AsyncIterableIterator<T[]> },
    signal: AbortSignal,
  ): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.arm.pages(open, signal)) out.push(item);
    return out;
  }

  /** The VMs of the given NICs, each once. */
  private static machines(listing: Listing, nics: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const nic of nics) {
      const vm = listing.vmOfNic.get(nic);
      if (vm) out.add(vm);
    }
    return [...out];
  }

  private static nicsOfVnet(listing: Listing, v: VirtualNetwork): string[] {
    return (v.subnets ?? []).flatMap((s) => [...(listing.nicsOfSubnet.get(key(s.id)) ?? [])]);
  }

  private toNetwork(v: VirtualNetwork, machineIds: string[]): RemoteNetwork {
    const prefixes = v.addressSpace?.addressPrefixes ?? [];
    return {
      externalId: v.id ?? '',
      name: v.name ?? v.id ?? '',
      cidr: prefixes[0] ?? null,
      region: v.location ?? null,
      // Azure makes no network with the subscription.
      isDefault: false,
      machineIds,
      tags: v.tags ?? {},
      extra: {
        resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(v.id ?? '')?.[1] ?? null,
        addressPrefixes: prefixes,
        provisioningState: v.provisioningState ?? null,
      },
    };
  }

  private toSubnet(
    v: VirtualNetwork,
    s: NonNullable<VirtualNetwork['subnets']>[number],
    machineIds: string[],
  ): RemoteSubnet {
    return {
      externalId: s.id ?? '',
      networkId: v.id ?? '',
      name: s.name ?? s.id ?? '',
      cidr: s.addressPrefix ?? s.addressPrefixes?.[0] ?? '',
      // A subnet spans its network's region.
      location: v.location ?? null,
      machineIds,
      extra: { networkSecurityGroup: s.networkSecurityGroup?.id ?? null },
    };
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const listing = await this.listing(signal);
    return listing.vnets.map((v) =>
      this.toNetwork(v, AzureNetworks.machines(listing, AzureNetworks.nicsOfVnet(listing, v))),
    );
  }

  async listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    const listing = await this.listing(signal);
    return listing.vnets.flatMap((v) =>
      (v.subnets ?? []).map((s) =>
        this.toSubnet(v, s, AzureNetworks.machines(listing, listing.nicsOfSubnet.get(key(s.id)) ?? [])),
      ),
    );
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const listing = await this.listing(signal);
    // NSG -> subnets it is on, from both sides (the subnet's reference and the NSG's list).
    const subnetsOf = new Map<string, Set<string>>();
    for (const v of listing.vnets)
      for (const s of v.subnets ?? []) add(subnetsOf, key(s.networkSecurityGroup?.id), key(s.id));
    for (const g of listing.nsgs) for (const s of g.subnets ?? []) add(subnetsOf, key(g.id), key(s.id));
    return listing.nsgs.map((g) => {
      const nics = new Set(listing.nicsOfNsg.get(key(g.id)) ?? []);
      for (const s of subnetsOf.get(key(g.id)) ?? [])
        for (const n of listing.nicsOfSubnet.get(s) ?? []) nics.add(n);
      const wire = [...(g.securityRules ?? [])].sort(
        (a, b) =>
          (a.direction ?? '').localeCompare(b.direction ?? '') || (a.priority ?? 0) - (b.priority ?? 0),
      );
      const forms = wire.map(toRules);
      return {
        externalId: g.id ?? '',
        name: g.name ?? g.id ?? '',
        description: '',
        // An NSG belongs to no network: it is put on subnets and NICs.
        networkId: null,
        rules: forms.flatMap((f) => f ?? []),
        machineIds: AzureNetworks.machines(listing, nics),
        extra: {
          location: g.location ?? null,
          subnets: [...(subnetsOf.get(key(g.id)) ?? [])],
          securityRules: wire.map(ruleSummary),
          // Deny rules and those naming other service tags or application security groups.
          otherRules: wire.filter((_, i) => forms[i] === null).map((r) => r.name ?? ''),
        },
      };
    });
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    checkName(spec.name, 'virtual network', 64);
    if (!spec.region)
      throw new ProviderError(
        'invalid',
        'An Azure virtual network lives in one location: choose its region (eastus, westeurope, …).',
      );
    const location = spec.region;
    const subscriptionId = await targetSubscription(this.arm, this.settings);
    const { virtualNetworks } = this.arm.clients(subscriptionId).network;
    const rg = this.settings.resourceGroup;
    // ARM's PUT replaces a network of the same name, subnets and all: never let it.
    if (await this.exists(() => virtualNetworks.get(rg, spec.name, this.arm.callOptions())))
      throw new ProviderError(
        'conflict',
        `A virtual network named '${spec.name}' already exists in resource group '${rg}'.`,
      );
    const made = await this.arm.operation(
      (o) =>
        virtualNetworks.createOrUpdate(
          rg,
          spec.name,
          { location, addressSpace: { addressPrefixes: [spec.cidr] } },
          o,
        ),
      true,
    );
    const vnet =
      made ?? (await this.arm.read(() => virtualNetworks.get(rg, spec.name, this.arm.callOptions())));
    return this.toNetwork(vnet, []);
  }

  async deleteNetwork(externalId: string): Promise<void> {
    const ref = parseNetworkId(externalId, 'virtualNetworks');
    const { virtualNetworks } = this.arm.clients(ref.subscriptionId).network;
    await this.arm.operation((o) => virtualNetworks.delete(ref.resourceGroup, ref.name, o), true);
  }

  /** A subnet of the network's range; `location` is not used, as a subnet spans its network's region. */
  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    const ref = parseNetworkId(spec.networkId, 'virtualNetworks');
    checkName(spec.name, 'subnet', 80);
    const { virtualNetworks, subnets } = this.arm.clients(ref.subscriptionId).network;
    const vnet = await this.arm.read(() =>
      virtualNetworks.get(ref.resourceGroup, ref.name, this.arm.callOptions()),
    );
    // A PUT of an existing subnet would change its range in place.
    if ((vnet.subnets ?? []).some((s) => key(s.name) === key(spec.name)))
      throw new ProviderError(
        'conflict',
        `The virtual network '${ref.name}' already has a subnet named '${spec.name}'.`,
      );
    const made = await this.arm.operation(
      (o) => subnets.createOrUpdate(ref.resourceGroup, ref.name, spec.name, { addressPrefix: spec.cidr }, o),
      true,
    );
    const subnet =
      made ??
      (await this.arm.read(() =>
        subnets.get(ref.resourceGroup, ref.name, spec.name, this.arm.callOptions()),
      ));
    return this.toSubnet(vnet, subnet, []);
  }

  async deleteSubnet(externalId: string): Promise<void> {
    const ref = parseNetworkId(externalId, 'subnets');
    const { subnets } = this.arm.clients(ref.subscriptionId).network;
    await this.arm.operation((o) => subnets.delete(ref.resourceGroup, ref.name, ref.subnet!, o), true);
  }

  private async exists(get: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.arm.read(get);
      return true;
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'not-found') return false;
      throw err;
    }
  }

  private async group(firewallId: string) {
    const ref = parseNetworkId(firewallId, 'networkSecurityGroups');
    const { networkSecurityGroups, securityRules } = this.arm.clients(ref.subscriptionId).network;
    const nsg = await this.arm.read(() =>
      networkSecurityGroups.get(ref.resourceGroup, ref.name, this.arm.callOptions()),
    );
    return { ref, nsg, rules: nsg.securityRules ?? [], securityRules };
  }

  /**
   * One Allow rule holding `rule`, after the group's other rules of its direction (nextPriority)
   * and under a name of its own. Two changes at once may pick the same priority: Azure refuses
   * the second (SecurityRuleConflict), which then tries the next one.
   */
  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { ref, nsg, rules, securityRules } = await this.group(firewallId);
      if (rules.some((r) => (toRules(r) ?? []).some((f) => sameFirewallRule(f, rule))))
        throw new ProviderError(
          'conflict',
          `${nsg.name ?? 'The network security group'} already has that rule.`,
        );
      const direction = rule.direction === 'ingress' ? 'Inbound' : 'Outbound';
      const priority = nextPriority(rules, direction);
      if (priority === null)
        throw new ProviderError(
          'conflict',
          `${nsg.name} has a ${direction.toLowerCase()} rule at priority 4096, the last Azure allows: renumber its rules in the Azure portal to make room.`,
        );
      // The priority makes the name unique among Overcast's; the suffix keeps a concurrent add
      // from replacing this one under the same name.
      const name = `overcast-${rule.direction}-${priority}-${randomBytes(3).toString('hex')}`;
      try {
        await this.arm.operation(
          (o) => securityRules.createOrUpdate(ref.resourceGroup, ref.name, name, toWire(rule, priority), o),
          true,
        );
        return;
      } catch (err) {
        if (attempt < 3 && err instanceof ProviderError && err.options.code === 'SecurityRuleConflict')
          continue;
        throw err;
      }
    }
  }

  /**
   * Removes the Azure rule holding `rule`: deleted when that is all it holds, written back
   * without the port range when it holds others.
   */
  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const { ref, nsg, rules, securityRules } = await this.group(firewallId);
    const holder = rules.find((r) => (toRules(r) ?? []).some((f) => sameFirewallRule(f, rule)));
    if (!holder?.name)
      throw new ProviderError('not-found', `${nsg.name ?? 'The network security group'} has no such rule.`);
    const forms = toRules(holder)!;
    if (forms.length === 1) {
      await this.arm.operation(
        (o) => securityRules.delete(ref.resourceGroup, ref.name, holder.name!, o),
        true,
      );
      return;
    }
    const ranges = (holder.destinationPortRanges ?? []).filter((_, i) => !sameFirewallRule(forms[i]!, rule));
    const kept: SecurityRule = { ...holder, destinationPortRange: undefined, destinationPortRanges: ranges };
    await this.arm.operation(
      (o) => securityRules.createOrUpdate(ref.resourceGroup, ref.name, holder.name!, kept, o),
      true,
    );
  }
}
