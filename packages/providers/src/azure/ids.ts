import { ProviderError } from '@overcast/contracts';

/** An ARM resource id's parts: /subscriptions/S/resourceGroups/G/providers/NS/TYPE/NAME. */
export interface ResourceRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const RESOURCE =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w._()]{1,90})\/providers\/Microsoft\.(?:Compute|Network)\/(virtualMachines|disks|networkInterfaces|publicIPAddresses)\/([-\w._]{1,80})$/i;

/** Parses a machine or volume externalId (its ARM resource id); anything else is refused. */
export function parseId(id: string, type: 'virtualMachines' | 'disks', what: string): ResourceRef {
  const m = RESOURCE.exec(id);
  if (!m || m[3]!.toLowerCase() !== type.toLowerCase())
    throw new ProviderError(
      'invalid',
      `'${id}' is not an Azure ${what} id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/${type}/…)`,
    );
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[4]! };
}

/** The subscription an ARM id lives in, lower-cased for comparisons. */
export const subscriptionOf = (id: string | undefined): string | null =>
  /^\/subscriptions\/([^/]+)/i.exec(id ?? '')?.[1]?.toLowerCase() ?? null;

/** ARM ids compare without regard to case. */
export const sameId = (a: string | undefined | null, b: string | undefined | null) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

const NETWORK =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w._()]{1,90})\/providers\/Microsoft\.Network\/(virtualNetworks|networkSecurityGroups)\/([-\w._]{1,80})(?:\/subnets\/([-\w._]{1,80}))?$/i;

const NETWORK_KINDS = {
  virtualNetworks: { type: 'virtualNetworks', subnet: false, what: 'virtual network' },
  subnets: { type: 'virtualNetworks', subnet: true, what: 'subnet' },
  networkSecurityGroups: { type: 'networkSecurityGroups', subnet: false, what: 'network security group' },
} as const;

/**
 * Parses a network, subnet or security group externalId (its ARM resource id); anything else is
 * refused. `name` is the network or group, `subnet` the subnet's own name.
 */
export function parseNetworkId(
  id: string,
  kind: keyof typeof NETWORK_KINDS,
): ResourceRef & { subnet: string | null } {
  const want = NETWORK_KINDS[kind];
  const m = NETWORK.exec(id);
  if (!m || m[3]!.toLowerCase() !== want.type.toLowerCase() || (m[5] !== undefined) !== want.subnet)
    throw new ProviderError(
      'invalid',
      `'${id}' is not an Azure ${want.what} id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/${want.type}/…${want.subnet ? '/subnets/…' : ''})`,
    );
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[4]!, subnet: m[5] ?? null };
}

const DNS_ZONE =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w._()]{1,90})\/providers\/Microsoft\.Network\/dnszones\/([a-zA-Z0-9.-]{1,253})$/i;

/** Parses a DNS zone's externalId (its ARM resource id); `name` is the zone's domain. */
export function parseDnsZoneId(id: string): ResourceRef {
  const m = DNS_ZONE.exec(id);
  if (!m)
    throw new ProviderError(
      'not-found',
      `'${id}' is not an Azure DNS zone id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/dnszones/…)`,
    );
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]!.toLowerCase() };
}
