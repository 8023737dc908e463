// Azure security rules as Overcast's firewall rules, and back. An NSG rule has a priority, an
// access (Allow or Deny), a direction, one protocol, port ranges on both sides and address
// prefixes (ranges or service tags) on both sides. Overcast's rules are allow rules on the far
// side's ranges and the near side's ports (the near side's address, the VMs behind the group, is
// read as theirs), so an Allow rule with any source port becomes one of Overcast's rules per
// destination port range; Deny rules, other service tags and application
// security groups have no such form and are kept apart, by name.

import type { SecurityRule } from '@azure/arm-network';
import type { FirewallRule } from '@overcast/contracts';
import { parseCidr } from '@overcast/contracts/addresses';

/** Prefixes that mean anywhere: `*` and the Internet service tag (public IPv4 and IPv6). */
const ANYWHERE = new Set(['*', 'any', 'internet', '0.0.0.0/0', '::/0']);
const WHOLE = ['0.0.0.0/0', '::/0'];

const PROTOCOLS: Record<string, FirewallRule['protocol']> = {
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  '*': 'all',
};
const WIRE_PROTOCOLS: Record<FirewallRule['protocol'], string> = {
  tcp: 'Tcp',
  udp: 'Udp',
  icmp: 'Icmp',
  all: '*',
};

/** Azure's custom rules take priorities 100 to 4096; lower runs first. */
export const PRIORITY_MIN = 100;
export const PRIORITY_MAX = 4096;

const listOf = (one: string | undefined, many: string[] | undefined): string[] =>
  many && many.length > 0 ? many : one !== undefined && one !== '' ? [one] : [];

/** A prefix as CIDRs: an address is its /32 or /128, anywhere both families; null for other tags. */
function cidrsOf(prefix: string): string[] | null {
  if (ANYWHERE.has(prefix.toLowerCase())) return prefix.includes('/') ? [prefix] : WHOLE;
  const text = prefix.includes('/') ? prefix : `${prefix}/${prefix.includes(':') ? 128 : 32}`;
  return parseCidr(text) ? [text.toLowerCase()] : null;
}

/** "22" or "80-85" -> [from, to]; "*" -> every port; null when it is neither. */
function portsOf(range: string): [number | null, number | null] | null {
  if (range === '*') return [null, null];
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(range.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

/**
 * The rule's forms as Overcast's rules, one per destination port range, in order; null when it
 * has none (a Deny rule, a source port, a service tag other than Internet, an application
 * security group, Esp or Ah).
 */
export function toRules(r: SecurityRule): FirewallRule[] | null {
  if (r.access !== 'Allow') return null;
  const direction = r.direction === 'Inbound' ? 'ingress' : r.direction === 'Outbound' ? 'egress' : null;
  const protocol = PROTOCOLS[(r.protocol ?? '').toLowerCase()];
  if (!direction || !protocol) return null;
  if (r.sourceApplicationSecurityGroups?.length || r.destinationApplicationSecurityGroups?.length)
    return null;
  const sourcePorts = listOf(r.sourcePortRange, r.sourcePortRanges);
  if (sourcePorts.length !== 1 || sourcePorts[0] !== '*') return null;
  // The far side: where traffic comes from on the way in, where it goes on the way out.
  const far =
    direction === 'ingress'
      ? listOf(r.sourceAddressPrefix, r.sourceAddressPrefixes)
      : listOf(r.destinationAddressPrefix, r.destinationAddressPrefixes);
  const cidrs = far.map(cidrsOf);
  if (cidrs.length === 0 || cidrs.some((c) => c === null)) return null;
  const unique = [...new Set((cidrs as string[][]).flat())];
  const out: FirewallRule[] = [];
  for (const range of listOf(r.destinationPortRange, r.destinationPortRanges)) {
    const ports = portsOf(range);
    if (!ports) return null;
    const ported = protocol === 'tcp' || protocol === 'udp';
    // Azure keeps ports on an ICMP or any-protocol rule but they mean nothing: only `*` reads true.
    if (!ported && ports[0] !== null) return null;
    out.push({ direction, protocol, fromPort: ports[0], toPort: ports[1], cidrs: unique });
  }
  return out.length > 0 ? out : null;
}

const portText = (rule: FirewallRule) =>
  rule.fromPort === null
    ? '*'
    : rule.fromPort === rule.toPort
      ? `${rule.fromPort}`
      : `${rule.fromPort}-${rule.toPort}`;

/** The wire properties of a new Allow rule holding `rule`, at `priority`. */
export function toWire(rule: FirewallRule, priority: number): SecurityRule {
  const far =
    rule.cidrs.length === 1 ? { one: rule.cidrs[0], many: undefined } : { one: undefined, many: rule.cidrs };
  const ingress = rule.direction === 'ingress';
  return {
    description: 'Added by Overcast',
    access: 'Allow',
    direction: ingress ? 'Inbound' : 'Outbound',
    priority,
    protocol: WIRE_PROTOCOLS[rule.protocol] as SecurityRule['protocol'],
    sourcePortRange: '*',
    destinationPortRange: rule.protocol === 'tcp' || rule.protocol === 'udp' ? portText(rule) : '*',
    ...(ingress
      ? { sourceAddressPrefix: far.one, sourceAddressPrefixes: far.many, destinationAddressPrefix: '*' }
      : {
          sourceAddressPrefix: '*',
          destinationAddressPrefix: far.one,
          destinationAddressPrefixes: far.many,
        }),
  };
}

/**
 * The priority for a new rule in `direction`: after every rule already there (the next multiple
 * of ten), so it never overrides a Deny someone placed before it; null when 4096 is taken.
 */
export function nextPriority(rules: SecurityRule[], direction: 'Inbound' | 'Outbound'): number | null {
  const used = rules.filter((r) => r.direction === direction).map((r) => r.priority ?? 0);
  const highest = Math.max(PRIORITY_MIN - 10, ...used);
  const next = Math.max(PRIORITY_MIN, (Math.floor(highest / 10) + 1) * 10);
  if (next <= PRIORITY_MAX) return next;
  return highest < PRIORITY_MAX ? highest + 1 : null;
}

/** Azure's rule as a list entry in the firewall's extra: what the portal shows for it. */
export const ruleSummary = (r: SecurityRule) => ({
  name: r.name ?? null,
  priority: r.priority ?? null,
  direction: r.direction ?? null,
  access: r.access ?? null,
  protocol: r.protocol ?? null,
  ports: listOf(r.destinationPortRange, r.destinationPortRanges),
  sources: listOf(r.sourceAddressPrefix, r.sourceAddressPrefixes),
  destinations: listOf(r.destinationAddressPrefix, r.destinationAddressPrefixes),
});
