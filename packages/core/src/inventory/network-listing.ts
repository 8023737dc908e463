import { isFirewallDriver, type NetworkDriver, type ProviderDriver } from '@overcast/contracts';
import type { NetworkListing } from './sync-networks';

/**
 * A cloud's networks, subnets and firewalls as its driver lists them, for `syncNetworks`: the
 * poll and the listing after a change read them the same way. A provider without firewalls
 * (libvirt, Docker) lists none, so any stored before are removed.
 */
export async function listNetworkInventory(
  driver: ProviderDriver & NetworkDriver,
  signal: AbortSignal,
): Promise<NetworkListing> {
  const [networks, subnets, firewalls] = await Promise.all([
    driver.listNetworks(signal),
    driver.listSubnets(signal),
    isFirewallDriver(driver) ? driver.listFirewalls(signal) : [],
  ]);
  return { networks, subnets, firewalls };
}
