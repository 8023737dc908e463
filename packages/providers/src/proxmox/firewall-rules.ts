// Proxmox firewall rules as Overcast's allow rules, and back. A rule is `type` in or out,
// `action` ACCEPT, DROP or REJECT (or a security group's name for `type` group), `proto`,
// `dport` ("22", "8000:8100", "22,80"), and `source` (in) or `dest` (out): empty for any
// address, a list of CIDRs of one family, an alias or `+ipset`. Only enabled ACCEPT rules whose
// addresses are CIDRs are Overcast's rules; the others are kept as Proxmox's words.

import { type FirewallDirection, type FirewallRule, ProviderError } from '@overcast/contracts';
import { parseCidr } from '@overcast/contracts/addresses';
import type { Params } from './client';

/** One entry of `GET …/rules`: its position, and the digest of the whole list. */
export interface PveRule {
  pos: number;
  type?: string;
  action?: string;
  enable?: number;
  macro?: string;
  proto?: string;
  dport?: string;
  source?: string;
  dest?: string;
  comment?: string;
  digest?: string;
}

/** An empty source or destination: every address of both families. */
export const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** The macros whose meaning is one TCP port, which the exposure check must see through. */
const MACROS: Record<string, number> = { SSH: 22, RDP: 3389, HTTP: 80, HTTPS: 443 };

/** A source list as CIDRs (a bare address is its /32 or /128); null for an alias or an ipset. */
function cidrsOf(text: string | undefined): string[] | null {
  if (!text) return ANYWHERE;
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.every((p) => parseCidr(p))) return null;
  return parts.map((p) => (p.includes('/') ? p : `${p}/${p.includes(':') ? 128 : 32}`));
}

/** Each port or range of `dport`, null when it names a service instead of numbers. */
function portsOf(text: string): Array<[number, number]> | null {
  const out: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?::(\d+))?$/.exec(part.trim());
    if (!m) return null;
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

/** The allow rules one Proxmox rule is (one per port range); none for what Overcast cannot say. */
export function readRule(r: PveRule): FirewallRule[] {
  const direction: FirewallDirection | null =
    r.type === 'in' ? 'ingress' : r.type === 'out' ? 'egress' : null;
  if (!direction || r.action !== 'ACCEPT' || r.enable !== 1) return [];
  const cidrs = cidrsOf(direction === 'ingress' ? r.source : r.dest);
  if (!cidrs) return [];
  if (r.macro) {
    const port = MACROS[r.macro];
    return port === undefined ? [] : [{ direction, protocol: 'tcp', fromPort: port, toPort: port, cidrs }];
  }
  const protocol = r.proto ? r.proto.toLowerCase() : 'all';
  if (protocol === 'icmp' || protocol === 'all')
    return [{ direction, protocol, fromPort: null, toPort: null, cidrs }];
  if (protocol !== 'tcp' && protocol !== 'udp') return [];
  if (!r.dport) return [{ direction, protocol, fromPort: null, toPort: null, cidrs }];
  const ports = portsOf(r.dport);
  return (ports ?? []).map(([fromPort, toPort]) => ({ direction, protocol, fromPort, toPort, cidrs }));
}

/** How a rule Overcast does not show reads in Proxmox's words, so it is not hidden unseen. */
export function ruleWords(r: PveRule): string {
  const where = r.type === 'out' ? r.dest : r.source;
  return [
    r.enable === 1 ? '' : '(disabled)',
    r.type,
    r.action,
    r.macro,
    r.proto,
    r.dport,
    where ? `${r.type === 'out' ? 'to' : 'from'} ${where}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** A new enabled ACCEPT rule as `POST …/rules` takes it. */
export function writeRule(rule: FirewallRule): Params {
  const families = new Set(rule.cidrs.map((c) => (c.includes(':') ? 6 : 4)));
  if (families.size > 1)
    throw new ProviderError(
      'invalid',
      'A Proxmox firewall rule takes addresses of one family: add the IPv4 and the IPv6 sources as two rules.',
    );
  const params: Params = {
    type: rule.direction === 'ingress' ? 'in' : 'out',
    action: 'ACCEPT',
    enable: 1,
    [rule.direction === 'ingress' ? 'source' : 'dest']: rule.cidrs.join(','),
  };
  if (rule.protocol === 'all') return params;
  params.proto = rule.protocol;
  if (rule.protocol === 'icmp' || rule.fromPort === null) return params;
  const to = rule.toPort ?? rule.fromPort;
  return { ...params, dport: rule.fromPort === to ? String(to) : `${rule.fromPort}:${to}` };
}
