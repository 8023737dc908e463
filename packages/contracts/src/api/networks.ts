import { type Static, Type as T } from '@sinclair/typebox';
import { NETWORK_NAME_MAX, NETWORK_NAME_PATTERN, NETWORK_NAME_RULE } from '../network-names';
import { FIREWALL_DIRECTIONS, FIREWALL_PROTOCOLS } from '../provider-networks';
import { IsoDateTime, Strict, Uuid } from './common';

const literals = <V extends string>(values: readonly V[]) => T.Union(values.map((v) => T.Literal(v)));

/** Shape only; core parses each CIDR and names the one at fault. */
const CidrText = T.String({
  minLength: 3,
  maxLength: 49,
  pattern: '^[0-9A-Fa-f.:]+/[0-9]{1,3}$',
  description: 'An IPv4 or IPv6 range such as 10.0.0.0/16 or ::/0',
});
const Port = T.Integer({ minimum: 0, maximum: 65_535 });
/** Names of networks and subnets; a provider with stricter rules refuses in its own words. */
const NetworkName = T.String({
  minLength: 1,
  maxLength: NETWORK_NAME_MAX,
  pattern: NETWORK_NAME_PATTERN,
  description: NETWORK_NAME_RULE,
});

/** The wire form of FirewallRule (provider-networks.ts), the same shape. */
export const FirewallRuleSchema = T.Object(
  {
    direction: literals(FIREWALL_DIRECTIONS),
    protocol: literals(FIREWALL_PROTOCOLS),
    fromPort: T.Union([T.Null(), Port]),
    toPort: T.Union([T.Null(), Port]),
    cidrs: T.Array(T.String(), { description: 'Sources of an ingress rule, destinations of an egress one' }),
    sources: T.Optional(
      T.Array(T.String(), { description: "Sources that are not address ranges, in the provider's words" }),
    ),
  },
  { $id: 'FirewallRule' },
);

/** A rule as it is asked for: tcp and udp need ports, the others take none. */
export const FirewallRuleInput = Strict({
  direction: literals(FIREWALL_DIRECTIONS),
  protocol: literals(FIREWALL_PROTOCOLS),
  fromPort: T.Optional(T.Union([T.Null(), Port])),
  toPort: T.Optional(T.Union([T.Null(), Port])),
  cidrs: T.Array(CidrText, { minItems: 1, maxItems: 50 }),
});
export type FirewallRuleInput = Static<typeof FirewallRuleInput>;

export const AddFirewallRuleRequest = Strict({
  rule: FirewallRuleInput,
  /**
   * A rule opening SSH or RDP to the whole internet is refused (409 exposure_not_acknowledged)
   * unless this is true.
   */
  acknowledgeExposure: T.Optional(T.Boolean()),
});
export type AddFirewallRuleRequest = Static<typeof AddFirewallRuleRequest>;
export const RemoveFirewallRuleRequest = Strict({ rule: FirewallRuleInput });
export type RemoveFirewallRuleRequest = Static<typeof RemoveFirewallRuleRequest>;

export const MachineRef = T.Object({
  externalId: T.String(),
  /** Null when the machine is not (yet) in the inventory. */
  machineId: T.Union([T.Null(), Uuid]),
  name: T.Union([T.Null(), T.String()]),
});
export type MachineRef = Static<typeof MachineRef>;

export const Network = T.Object(
  {
    id: Uuid,
    cloudId: Uuid,
    cloudTitle: T.String(),
    externalId: T.String(),
    name: T.String(),
    cidr: T.Union([T.Null(), T.String()]),
    region: T.Union([T.Null(), T.String()]),
    isDefault: T.Boolean(),
    subnetCount: T.Integer(),
    machineCount: T.Integer(),
    updatedAt: IsoDateTime,
  },
  { $id: 'Network' },
);
export type Network = Static<typeof Network>;

export const Subnet = T.Object(
  {
    id: Uuid,
    externalId: T.String(),
    name: T.String(),
    cidr: T.String(),
    location: T.Union([T.Null(), T.String()]),
    machineCount: T.Integer(),
  },
  { $id: 'Subnet' },
);
export type Subnet = Static<typeof Subnet>;

export const Firewall = T.Object(
  {
    id: Uuid,
    cloudId: Uuid,
    cloudTitle: T.String(),
    externalId: T.String(),
    name: T.String(),
    description: T.String(),
    networkId: T.Union([T.Null(), Uuid]),
    networkName: T.Union([T.Null(), T.String()]),
    rules: T.Array(T.Ref(FirewallRuleSchema)),
    machines: T.Array(MachineRef),
    /** Shown as the provider derives it (what reaches a KubeVirt VM from outside the cluster); its rules change elsewhere. */
    readOnly: T.Boolean(),
    /** What its rules open to the whole internet that deserves a second look (SSH, RDP). */
    warnings: T.Array(T.String()),
  },
  { $id: 'Firewall' },
);
export type Firewall = Static<typeof Firewall>;

export const NetworkDetail = T.Object({
  network: T.Ref(Network),
  subnets: T.Array(T.Ref(Subnet)),
  machines: T.Array(MachineRef),
  firewalls: T.Array(T.Ref(Firewall)),
});
export type NetworkDetail = Static<typeof NetworkDetail>;

export const NetworkListQuery = Strict({
  cloud: T.Optional(Uuid),
  /** Only the networks (or firewalls) this machine sits in. */
  machine: T.Optional(Uuid),
});
export type NetworkListQuery = Static<typeof NetworkListQuery>;

export const NetworkList = T.Object({ items: T.Array(T.Ref(Network)) });
export type NetworkList = Static<typeof NetworkList>;
export const FirewallList = T.Object({ items: T.Array(T.Ref(Firewall)) });
export type FirewallList = Static<typeof FirewallList>;

export const CreateNetworkRequest = Strict({
  cloudId: Uuid,
  name: NetworkName,
  cidr: CidrText,
  region: T.Optional(T.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' })),
});
export type CreateNetworkRequest = Static<typeof CreateNetworkRequest>;

/** A firewall made apart from its rules (a KubeVirt NetworkPolicy), for machines of one cloud. */
export const CreateFirewallRequest = Strict({
  cloudId: Uuid,
  name: NetworkName,
  machineIds: T.Array(Uuid, {
    minItems: 1,
    maxItems: 100,
    description: "The machines it applies to, Overcast's ids",
  }),
});
export type CreateFirewallRequest = Static<typeof CreateFirewallRequest>;

export const CreateSubnetRequest = Strict({
  name: NetworkName,
  cidr: CidrText,
  location: T.Optional(T.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' })),
});
export type CreateSubnetRequest = Static<typeof CreateSubnetRequest>;

export const SubnetParams = Strict({ id: Uuid, subnetId: Uuid });

export const AddFirewallRuleResult = T.Object({
  firewall: T.Ref(Firewall),
  /** The exposure the rule brings, said once more after it was acknowledged. */
  warnings: T.Array(T.String()),
});
export type AddFirewallRuleResult = Static<typeof AddFirewallRuleResult>;

export const ExposureQuery = Strict({
  port: T.Optional(
    T.Union([T.Literal(22), T.Literal(3389)], { description: 'SSH (22, default) or RDP (3389)' }),
  ),
});
export const ExposedMachine = T.Object({
  machineId: Uuid,
  name: T.String(),
  cloudId: Uuid,
  cloudTitle: T.String(),
  /** The firewalls whose rules let the whole internet in on the port. */
  firewalls: T.Array(T.Object({ id: Uuid, name: T.String() })),
});
export type ExposedMachine = Static<typeof ExposedMachine>;
export const Exposure = T.Object({ port: T.Integer(), machines: T.Array(ExposedMachine) });
export type Exposure = Static<typeof Exposure>;
