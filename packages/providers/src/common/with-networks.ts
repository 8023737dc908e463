import type { FirewallDriver, NetworkDriver, RemoteSubnet } from '@overcast/contracts';

// The one place a driver takes on its provider's NetworkDriver (and FirewallDriver) part
// (aws/networks.ts, gce/networks.ts, digitalocean/networks.ts, hetzner/networks.ts,
// vultr/networks.ts, openstack/networks.ts, azure/networks.ts, proxmox/networks.ts and firewalls.ts, kubevirt/networks.ts and firewalls.ts, vsphere/networks.ts, libvirt/networks.ts, docker/networks.ts), instead of each driver forwarding every method.

const METHODS = [
  'listNetworks',
  'listSubnets',
  'listFirewalls',
  'createNetwork',
  'deleteNetwork',
  'createSubnet',
  'deleteSubnet',
  'addFirewallRule',
  'removeFirewallRule',
  'createFirewall',
  'deleteFirewall',
] as const satisfies readonly (keyof (NetworkDriver & FirewallDriver))[];

/**
 * `driver` with the methods `networks` has, bound to it; a method it lacks (createSubnet, the
 * firewall ones) stays absent.
 */
export function withNetworks<D extends object, N extends NetworkDriver | FirewallDriver>(
  driver: D,
  networks: N,
): D & N {
  for (const name of METHODS) {
    const method = (networks as Partial<NetworkDriver & FirewallDriver>)[name];
    if (typeof method === 'function') {
      Object.defineProperty(driver, name, { value: method.bind(networks), enumerable: false });
    }
  }
  return driver as D & N;
}

/** `listSubnets` of a provider whose networks have none (DigitalOcean, Vultr, libvirt, Docker). */
export const noSubnets = async (): Promise<RemoteSubnet[]> => [];
