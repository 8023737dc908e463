// What a provider adds when its module says `features.networks`: networks (VPCs) and their
// subnets; and, apart, when it says `features.firewalls`: firewalls (security groups, firewall
// rules). Separate capabilities, so a ProviderDriver without them stays complete, and a
// provider may have networks without firewalls (libvirt, Docker). Drivers know the SDK, never
// the database.

import type { ProviderDriver } from './provider';

export interface RemoteNetwork {
  externalId: string;
  name: string;
  /** The network's address range ("10.0.0.0/16"); null when the provider has none (GCE auto mode). */
  cidr: string | null;
  region: string | null;
  /** The provider's own default network, made with the account. */
  isDefault: boolean;
  /** externalIds of the machines with an interface in it. */
  machineIds: string[];
  tags: Record<string, string>;
  extra: Record<string, unknown>;
}

export interface RemoteSubnet {
  externalId: string;
  /** externalId of the network it belongs to. */
  networkId: string;
  name: string;
  cidr: string;
  /** Zone or region, as the provider places it. */
  location: string | null;
  machineIds: string[];
  extra: Record<string, unknown>;
}

export const FIREWALL_DIRECTIONS = ['ingress', 'egress'] as const;
export type FirewallDirection = (typeof FIREWALL_DIRECTIONS)[number];
/** `all` is every protocol (EC2's "-1", GCE's "all"). */
export const FIREWALL_PROTOCOLS = ['tcp', 'udp', 'icmp', 'all'] as const;
export type FirewallProtocol = (typeof FIREWALL_PROTOCOLS)[number];

/**
 * One allow rule. `cidrs` are the sources of an ingress rule and the destinations of an egress
 * one. Ports are inclusive; null for every port (and for icmp / all).
 */
export interface FirewallRule {
  direction: FirewallDirection;
  protocol: FirewallProtocol;
  fromPort: number | null;
  toPort: number | null;
  cidrs: string[];
  /**
   * Sources that are not address ranges, in the provider's words (a NetworkPolicy's
   * `pods app=web`); shown beside the CIDRs, never sent back.
   */
  sources?: string[];
}

/** The same rule: direction, protocol, ports, and CIDRs in any order. */
export function sameFirewallRule(a: FirewallRule, b: FirewallRule): boolean {
  return (
    a.direction === b.direction &&
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrs.length === b.cidrs.length &&
    a.cidrs.every((c) => b.cidrs.includes(c))
  );
}

export interface RemoteFirewall {
  externalId: string;
  name: string;
  description: string;
  /** externalId of the network it belongs to, when it belongs to one. */
  networkId: string | null;
  rules: FirewallRule[];
  /** externalIds of the machines it applies to. */
  machineIds: string[];
  extra: Record<string, unknown>;
}

export interface CreateFirewallSpec {
  name: string;
  /** externalIds of the machines it is made for. */
  machineIds: string[];
}

export interface CreateNetworkSpec {
  name: string;
  cidr: string;
  /** Where the driver needs one (EC2 VPCs are regional); a zone is read as its region. */
  region: string | null;
}

export interface CreateSubnetSpec {
  networkId: string;
  name: string;
  cidr: string;
  /** Zone or region; the driver's default when null. */
  location: string | null;
}

export interface NetworkDriver {
  listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]>;
  /** Empty where the module's `features.subnets` is false. */
  listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]>;
  createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork>;
  deleteNetwork(externalId: string): Promise<void>;
  /** Only where the module's `features.subnets` says networks hold subnets. */
  createSubnet?(spec: CreateSubnetSpec): Promise<RemoteSubnet>;
  deleteSubnet?(externalId: string): Promise<void>;
}

/** What a provider adds when its module says `features.firewalls`: security groups and their rules. */
export interface FirewallDriver {
  listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]>;
  addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void>;
  /** Removes the rule equal to `rule` (same direction, protocol, ports and CIDRs). */
  removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void>;
  /** Where firewalls are made apart from machines (KubeVirt's NetworkPolicies): one for these machines. */
  createFirewall?(spec: CreateFirewallSpec): Promise<RemoteFirewall>;
  deleteFirewall?(externalId: string): Promise<void>;
}

const hasMethods = (driver: ProviderDriver, methods: readonly string[]) =>
  methods.every((m) => typeof (driver as unknown as Record<string, unknown>)[m] === 'function');

const NETWORK_METHODS = ['listNetworks', 'listSubnets', 'createNetwork', 'deleteNetwork'] as const;
const FIREWALL_METHODS = ['listFirewalls', 'addFirewallRule', 'removeFirewallRule'] as const;

export function isNetworkDriver(driver: ProviderDriver): driver is ProviderDriver & NetworkDriver {
  return hasMethods(driver, NETWORK_METHODS);
}

export function isFirewallDriver(driver: ProviderDriver): driver is ProviderDriver & FirewallDriver {
  return hasMethods(driver, FIREWALL_METHODS);
}
