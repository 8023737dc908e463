import {
  type FirewallDriver,
  type FirewallRule,
  isFirewallDriver,
  isNetworkDriver,
  type NetworkDriver,
  type ProviderDriver,
} from '@overcast/contracts';
import { expect } from 'vitest';

/** A driver of a provider with subnets and firewalls, every method there. */
export type SubnetFirewallDriver = Required<NetworkDriver> & FirewallDriver;

/** A driver with both network and firewall parts; `what` names it when a part is missing. */
export function firewallNetworkDriver(driver: ProviderDriver, what: string): NetworkDriver & FirewallDriver {
  if (!isNetworkDriver(driver) || !isFirewallDriver(driver)) {
    throw new Error(`${what} has networks and firewalls`);
  }
  return driver;
}

/** SSH open to the whole internet: the rule the exposure card is about. */
export const sshFromAnywhere: FirewallRule = {
  direction: 'ingress',
  protocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  cidrs: ['0.0.0.0/0'],
};

/** A JSON-API driver's config that walks every listing in pages of two, retrying quickly. */
export const pagesOfTwo = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, perPage: 2 };

/** HTTPS from two ranges, one IPv4 and one IPv6: two provider rules where a rule holds one range. */
export const httpsFromTwoRanges: FirewallRule = {
  direction: 'ingress',
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  cidrs: ['198.51.100.0/24', '2001:db8::/32'],
};

/**
 * Adds `httpsFromTwoRanges` to a firewall of a provider whose rules hold one range each: the
 * provider gets one rule per range (`lastTwo()` reads its newest two, as "port range" strings),
 * a second add is refused in `owner`'s name, and a removal takes both away again.
 */
export async function oneRulePerRange(
  driver: FirewallDriver,
  firewallId: string,
  owner: string,
  lastTwo: () => string[],
) {
  const before = lastTwo();
  await driver.addFirewallRule(firewallId, httpsFromTwoRanges);
  expect(lastTwo()).toEqual(['443 198.51.100.0/24', '443 2001:db8::/32']);
  await expect(driver.addFirewallRule(firewallId, httpsFromTwoRanges)).rejects.toMatchObject({
    kind: 'conflict',
    message: `${owner} already has that rule.`,
  });
  await driver.removeFirewallRule(firewallId, httpsFromTwoRanges);
  expect(lastTwo()).toEqual(before);
}
