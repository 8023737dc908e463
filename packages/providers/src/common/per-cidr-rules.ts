// Firewall rules of providers whose rules hold one source range each (Vultr, Neutron): one of
// Overcast's rules is one provider rule per CIDR, added where missing and removed all together.

import { type FirewallRule, ProviderError, sameFirewallRule } from '@overcast/contracts';
import { parseCidr } from '@overcast/contracts/addresses';

/** A CIDR split as these providers take it: the address as written, its prefix length and family. */
export function splitCidr(text: string): { address: string; bits: number; family: 4 | 6 } {
  const cidr = parseCidr(text);
  if (!cidr || !text.includes('/')) {
    throw new ProviderError('invalid', `'${text}' is not a CIDR range (203.0.113.0/24, ::/0)`);
  }
  return { address: text.split('/')[0]!, bits: cidr.bits, family: cidr.family };
}

/** The provider rule holding `rule` for each of its CIDRs, in order; undefined where none does. */
function holding<W>(held: W[], read: (w: W) => FirewallRule | null, rule: FirewallRule) {
  return rule.cidrs.map((cidr) =>
    held.find((w) => {
      const r = read(w);
      return r !== null && sameFirewallRule(r, { ...rule, cidrs: [cidr] });
    }),
  );
}

/**
 * Of `wire` (the provider rules of `rule`, one per CIDR in its order), those not held yet; a
 * conflict in `owner`'s name when every one is.
 */
export function missingRules<W, N>(
  held: W[],
  read: (w: W) => FirewallRule | null,
  rule: FirewallRule,
  wire: N[],
  owner: string,
): N[] {
  const found = holding(held, read, rule);
  const missing = wire.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) throw new ProviderError('conflict', `${owner} already has that rule.`);
  return missing;
}

/** The provider rules of each of `rule`'s CIDRs; not found, in `owner`'s name, unless all are held. */
export function heldRules<W>(
  held: W[],
  read: (w: W) => FirewallRule | null,
  rule: FirewallRule,
  owner: string,
): W[] {
  const found = holding(held, read, rule);
  if (found.some((w) => w === undefined)) throw new ProviderError('not-found', `${owner} has no such rule.`);
  return found as W[];
}
