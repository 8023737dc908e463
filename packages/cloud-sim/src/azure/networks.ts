// Microsoft.Network as the emulated Resource Manager keeps it: virtual networks with their address
// space and subnets, and network security groups with their security rules. A NIC (model.ts)
// sits in one subnet and may carry an NSG; a subnet may carry one too. Every check answers in
// ARM's codes and words; the routes (network-routes.ts) wrap the changes in long-running operations.

import { randomUUID } from 'node:crypto';
import { addressBlock } from '../common/addresses';
import { overlaps, readV4Cidr, type V4Range, within } from '../common/cidr';
import type { SimResponse } from '../common/server';
import { LOCATIONS } from './catalog';
import { armError } from './errors';
import type { ArmState, Nic, SubscriptionSeed } from './model';

type Provisioning = 'Updating' | 'Succeeded' | 'Deleting';

export interface SimSubnet {
  id: string;
  name: string;
  addressPrefix: string;
  nsgId: string | null;
  provisioningState: Provisioning;
}

export interface SimVnet {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  addressPrefixes: string[];
  /** By lower-case name. */
  subnets: Map<string, SimSubnet>;
  tags: Record<string, string>;
  resourceGuid: string;
  provisioningState: Provisioning;
}

/** A security rule's properties as ARM stores them: the singular and plural fields as given. */
export interface SimRuleProperties {
  description?: string;
  protocol: string;
  access: 'Allow' | 'Deny';
  direction: 'Inbound' | 'Outbound';
  priority: number;
  sourcePortRange?: string;
  sourcePortRanges: string[];
  destinationPortRange?: string;
  destinationPortRanges: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes: string[];
}

export interface SimSecurityRule extends SimRuleProperties {
  id: string;
  name: string;
  provisioningState: Provisioning;
}

export interface SimNsg {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** By lower-case name. */
  rules: Map<string, SimSecurityRule>;
  tags: Record<string, string>;
  resourceGuid: string;
  provisioningState: Provisioning;
}

const lower = (id: string) => id.toLowerCase();
const base = (sub: string, rg: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network`;
export const vnetId = (sub: string, rg: string, name: string) => `${base(sub, rg)}/virtualNetworks/${name}`;
export const nsgId = (sub: string, rg: string, name: string) =>
  `${base(sub, rg)}/networkSecurityGroups/${name}`;

const PROTOCOLS = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];
/** Service tags a rule may name instead of a range. */
const SERVICE_TAGS = ['*', 'Internet', 'VirtualNetwork', 'AzureLoadBalancer'];

const ruleProblem = (what: string, value: unknown) =>
  armError(
    400,
    `SecurityRuleInvalid${what.replaceAll(' ', '')}`,
    `Security rule has invalid ${what}. Value provided: ${Array.isArray(value) ? value.join(',') : String(value)}.`,
  );

function portRangeOk(text: string): boolean {
  if (text === '*') return true;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return false;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to && to <= 65_535;
}

/** An address prefix ARM takes: a service tag, an IPv4 address or range, or an IPv6 one. */
function prefixOk(text: string): boolean {
  if (SERVICE_TAGS.includes(text)) return true;
  if (text.includes(':')) return /^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(text);
  const cidr = readV4Cidr(text.includes('/') ? text : `${text}/32`);
  return cidr !== null;
}

const strings = (v: unknown): string[] | null =>
  v === undefined ? [] : Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : null;

/** A rule's wire properties, checked; ARM's refusal otherwise. */
export function readRule(raw: Record<string, unknown>): SimRuleProperties | SimResponse {
  const protocol = PROTOCOLS.find((p) => p.toLowerCase() === String(raw.protocol ?? '').toLowerCase());
  if (!protocol) return ruleProblem('Protocol', raw.protocol);
  if (raw.access !== 'Allow' && raw.access !== 'Deny') return ruleProblem('Access', raw.access);
  if (raw.direction !== 'Inbound' && raw.direction !== 'Outbound')
    return ruleProblem('Direction', raw.direction);
  const priority = raw.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 100 || priority > 4096)
    return armError(
      400,
      'SecurityRuleInvalidPriority',
      `Security rule has invalid Priority. Value provided: ${String(priority)} Allowed range 100-4096.`,
    );
  const out: SimRuleProperties = {
    protocol,
    access: raw.access,
    direction: raw.direction,
    priority,
    sourcePortRanges: [],
    destinationPortRanges: [],
    sourceAddressPrefixes: [],
    destinationAddressPrefixes: [],
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
  };
  for (const [one, many, ok, what] of [
    ['sourcePortRange', 'sourcePortRanges', portRangeOk, 'Port range'],
    ['destinationPortRange', 'destinationPortRanges', portRangeOk, 'Port range'],
    ['sourceAddressPrefix', 'sourceAddressPrefixes', prefixOk, 'Address prefix'],
    ['destinationAddressPrefix', 'destinationAddressPrefixes', prefixOk, 'Address prefix'],
  ] as const) {
    const single = raw[one];
    const list = strings(raw[many]);
    if (single !== undefined && typeof single !== 'string') return ruleProblem(what, single);
    if (list === null) return ruleProblem(what, raw[many]);
    if (single !== undefined && list.length > 0)
      return armError(
        400,
        'SecurityRuleParameterContainsUnsupportedValue',
        `Security rule parameters ${one} and ${many} cannot be specified together.`,
      );
    if (single === undefined && list.length === 0)
      return armError(
        400,
        'SecurityRuleParameterMissing',
        `Security rule must specify either ${one} or ${many}.`,
      );
    const values = single === undefined ? list : [single];
    const bad = values.find((v) => !ok(v));
    if (bad !== undefined) return ruleProblem(what, bad);
    if (single !== undefined) out[one] = single;
    else out[many] = list;
  }
  return out;
}

/**
 * The emulated subscriptions' virtual networks and network security groups. `state` holds the
 * NICs that sit in the subnets and carry NSGs.
 */
export class ArmNetworks {
  readonly vnets = new Map<string, SimVnet>();
  readonly nsgs = new Map<string, SimNsg>();

  constructor(private readonly state: ArmState) {}

  /**
   * The network the seeded VMs' NICs sit in: `<rg>-vnet` over Azure's private loopback block,
   * its `default` subnet the block's first /16 (where the NICs' private addresses come from).
   */
  seed(sub: SubscriptionSeed): void {
    const rg = sub.resourceGroup ?? 'overcast-rg';
    const [first] = addressBlock('azure', 'private');
    const vnet = this.addVnet(sub.id, rg, `${rg}-vnet`, LOCATIONS[0]!.name, [`127.${first}.0.0/13`]);
    this.addSubnet(vnet, 'default', `127.${first}.0.0/16`);
  }

  vnet(id: string): SimVnet | undefined {
    return this.vnets.get(lower(id));
  }
  nsg(id: string): SimNsg | undefined {
    return this.nsgs.get(lower(id));
  }

  /** A subnet by its id (…/virtualNetworks/V/subnets/S), with its network. */
  subnet(id: string): { vnet: SimVnet; subnet: SimSubnet } | undefined {
    const m = /^(.+)\/subnets\/([^/]+)$/i.exec(id);
    const vnet = m ? this.vnet(m[1]!) : undefined;
    const subnet = vnet?.subnets.get(lower(m![2]!));
    return vnet && subnet ? { vnet, subnet } : undefined;
  }

  /** The NICs with an IP configuration in the subnet. */
  nicsIn(subnet: SimSubnet): Nic[] {
    return [...this.state.nics.values()].filter((n) => lower(n.subnetId) === lower(subnet.id));
  }

  addVnet(sub: string, rg: string, name: string, location: string, addressPrefixes: string[]): SimVnet {
    const vnet: SimVnet = {
      id: vnetId(sub, rg, name),
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location,
      addressPrefixes,
      subnets: new Map(),
      tags: {},
      resourceGuid: randomUUID(),
      provisioningState: 'Succeeded',
    };
    this.vnets.set(lower(vnet.id), vnet);
    return vnet;
  }

  addSubnet(vnet: SimVnet, name: string, addressPrefix: string, nsgId: string | null = null): SimSubnet {
    const subnet: SimSubnet = {
      id: `${vnet.id}/subnets/${name}`,
      name,
      addressPrefix,
      nsgId,
      provisioningState: 'Succeeded',
    };
    vnet.subnets.set(lower(name), subnet);
    return subnet;
  }

  addNsg(sub: string, rg: string, name: string, location: string): SimNsg {
    const nsg: SimNsg = {
      id: nsgId(sub, rg, name),
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location,
      rules: new Map(),
      tags: {},
      resourceGuid: randomUUID(),
      provisioningState: 'Succeeded',
    };
    this.nsgs.set(lower(nsg.id), nsg);
    return nsg;
  }

  /** Adds or replaces a rule: ARM's refusal when another rule has its priority and direction. */
  putRule(nsg: SimNsg, name: string, props: SimRuleProperties): SimSecurityRule | SimResponse {
    const clash = [...nsg.rules.values()].find(
      (r) =>
        lower(r.name) !== lower(name) && r.priority === props.priority && r.direction === props.direction,
    );
    if (clash)
      return armError(
        400,
        'SecurityRuleConflict',
        `Security rule ${name} conflicts with rule ${clash.name}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
      );
    const rule: SimSecurityRule = {
      ...props,
      id: `${nsg.id}/securityRules/${name}`,
      name,
      provisioningState: 'Succeeded',
    };
    nsg.rules.set(lower(name), rule);
    return rule;
  }

  /** Whether `cidr` is a range ARM takes for an address space or subnet; its refusal otherwise. */
  range(cidr: unknown, what: string): V4Range | SimResponse {
    const range = typeof cidr === 'string' ? readV4Cidr(cidr) : null;
    if (!range?.aligned)
      return armError(
        400,
        'NetcfgInvalidIPAddressPrefix',
        `Invalid IP address value or range or prefix ${String(cidr)} in ${what}.`,
      );
    return range;
  }

  /** Where a new subnet's range may go in `vnet`; ARM's refusal otherwise. */
  subnetRange(vnet: SimVnet, name: string, prefix: unknown): SimResponse | null {
    const range = this.range(prefix, `subnet ${name}`);
    if ('status' in range) return range;
    const space = vnet.addressPrefixes.map((p) => readV4Cidr(p)).filter((r) => r !== null);
    if (!space.some((s) => within(range, s)))
      return armError(
        400,
        'NetcfgSubnetRangeOutsideVnet',
        `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`,
      );
    const taken = [...vnet.subnets.values()].find((s) => {
      const other = readV4Cidr(s.addressPrefix);
      return lower(s.name) !== lower(name) && other !== null && overlaps(range, other);
    });
    if (taken)
      return armError(
        400,
        'NetcfgSubnetRangesOverlap',
        `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '${vnet.name}'.`,
      );
    return null;
  }

  /** ARM's refusal to delete a subnet that NICs still sit in. */
  inUse(subnet: SimSubnet): SimResponse | null {
    const [nic] = this.nicsIn(subnet);
    if (!nic) return null;
    return armError(
      400,
      'InUseSubnetCannotBeDeleted',
      `Subnet ${subnet.name} is in use by ${nic.id}/ipConfigurations/ipconfig1 and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
    );
  }

  /** What carries the NSG: subnets and NICs. */
  holders(nsg: SimNsg): { subnets: SimSubnet[]; nics: Nic[] } {
    const subnets = [...this.vnets.values()].flatMap((v) =>
      [...v.subnets.values()].filter((s) => s.nsgId && lower(s.nsgId) === lower(nsg.id)),
    );
    const nics = [...this.state.nics.values()].filter((n) => n.nsgId && lower(n.nsgId) === lower(nsg.id));
    return { subnets, nics };
  }
}
