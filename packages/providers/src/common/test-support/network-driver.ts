import {
  type FirewallDriver,
  type FirewallRule,
  isFirewallDriver,
  isNetworkDriver,
  type NetworkDriver,
  type ProviderDriver,
} from '@overcast/contracts';

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
