import type { DriverInit, ProviderDriver } from '@overcast/contracts';

// biome-ignore lint/suspicious/noExplicitAny: each driver checks its own credential shape.
export type DriverFactory = (init: DriverInit<any>) => ProviderDriver;

/**
 * Drivers load on first use: the AWS and Google SDKs cost about 90 MB of memory each, which an
 * installation that uses neither should not pay. Import this module, not the package index,
 * where memory matters.
 */
export const DRIVER_LOADERS: Record<string, () => Promise<DriverFactory>> = {
  aws: async () => (await import('./aws/index')).createAwsDriver,
  gce: async () => (await import('./gce/index')).createGceDriver,
  digitalocean: async () => (await import('./digitalocean/index')).createDigitalOceanDriver,
  docker: async () => (await import('./docker/index')).createDockerDriver,
  libvirt: async () => (await import('./libvirt/index')).createLibvirtDriver,
  ssh_host: async () => (await import('./ssh-host/index')).createSshHostDriver,
  hetzner: async () => (await import('./hetzner/index')).createHetznerDriver,
  linode: async () => (await import('./linode/index')).createLinodeDriver,
  vultr: async () => (await import('./vultr/index')).createVultrDriver,
};
