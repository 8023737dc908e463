import type { FirewallRule } from '../api/types';

/** "22", "8000-8080" or "all ports", as a rule's row shows it. */
export function describePorts(rule: Pick<FirewallRule, 'protocol' | 'fromPort' | 'toPort'>): string {
  if (rule.protocol === 'icmp' || rule.protocol === 'all') return 'all';
  if (rule.fromPort === null) return 'all ports';
  if (rule.toPort === null || rule.toPort === rule.fromPort) return String(rule.fromPort);
  if (rule.fromPort === 0 && rule.toPort === 65_535) return 'all ports';
  return `${rule.fromPort}-${rule.toPort}`;
}
