import type { FirewallRule } from '@overcast/contracts';
import { parseCidr } from '@overcast/contracts/addresses';

// Rules that open a remote-login port to the whole internet. SSH and RDP on 0.0.0.0/0 or ::/0
// are what scanners try first, so adding one asks for a second "yes" and the dashboard lists
// the machines it reaches.

export const LOGIN_PORTS = [
  { port: 22, service: 'SSH' },
  { port: 3389, service: 'RDP' },
] as const;

/** 0.0.0.0/0 or ::/0, however it is spelled. */
export const isWholeInternet = (cidr: string): boolean => parseCidr(cidr)?.bits === 0;

/** Whether an allow rule lets the whole internet in on `port` (tcp, or every protocol). */
export function letsWorldIn(rule: FirewallRule, port: number): boolean {
  if (rule.direction !== 'ingress') return false;
  if (rule.protocol !== 'tcp' && rule.protocol !== 'all') return false;
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65_535;
  if (rule.protocol === 'tcp' && (port < from || port > to)) return false;
  return rule.cidrs.some(isWholeInternet);
}

/** The warnings a rule deserves, in words a person acts on; empty when it exposes nothing. */
export function exposureWarnings(rule: FirewallRule): string[] {
  const world = rule.cidrs.filter(isWholeInternet).join(' and ');
  return LOGIN_PORTS.filter(({ port }) => letsWorldIn(rule, port)).map(
    ({ port, service }) =>
      `This rule lets anyone on the internet (${world}) reach ${service} on port ${port} of every machine behind the firewall. Limit the sources to the addresses you connect from.`,
  );
}
