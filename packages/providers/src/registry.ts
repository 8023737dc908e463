import type { DriverInit, ProviderDriver, ProviderModule } from '@overcast/contracts';
import { awsModule } from './aws/module';
import { azureModule } from './azure/module';
import { digitaloceanModule } from './digitalocean/module';
import { dockerModule } from './docker/module';
import { gceModule } from './gce/module';
import { hetznerModule } from './hetzner/module';
import { kubevirtModule } from './kubevirt/module';
import { libvirtModule } from './libvirt/module';
import { linodeModule } from './linode/module';
import { openstackModule } from './openstack/module';
import { proxmoxModule } from './proxmox/module';
import { sshHostModule } from './ssh-host/module';
import { vsphereModule } from './vsphere/module';
import { vultrModule } from './vultr/module';

// Every provider Overcast knows: its module (what it is, as data) and its driver, loaded on first
// use. The AWS and Google SDKs cost about 90 MB of memory each, which an installation that uses
// neither should not pay: importing this file loads no SDK. Adding a provider is one line here.

export { isContainerDriver } from './common/container-driver';

// biome-ignore lint/suspicious/noExplicitAny: each driver checks its own credential shape.
export type DriverFactory = (init: DriverInit<any>) => ProviderDriver;

export interface RegisteredProvider {
  readonly module: ProviderModule;
  readonly driver: () => Promise<DriverFactory>;
}

export const PROVIDER_REGISTRY: readonly RegisteredProvider[] = [
  { module: awsModule, driver: async () => (await import('./aws/index')).createAwsDriver },
  { module: gceModule, driver: async () => (await import('./gce/index')).createGceDriver },
  { module: azureModule, driver: async () => (await import('./azure/index')).createAzureDriver },
  {
    module: digitaloceanModule,
    driver: async () => (await import('./digitalocean/index')).createDigitalOceanDriver,
  },
  { module: hetznerModule, driver: async () => (await import('./hetzner/index')).createHetznerDriver },
  { module: linodeModule, driver: async () => (await import('./linode/index')).createLinodeDriver },
  { module: vultrModule, driver: async () => (await import('./vultr/index')).createVultrDriver },
  { module: openstackModule, driver: async () => (await import('./openstack/index')).createOpenStackDriver },
  { module: proxmoxModule, driver: async () => (await import('./proxmox/index')).createProxmoxDriver },
  { module: vsphereModule, driver: async () => (await import('./vsphere/index')).createVsphereDriver },
  { module: kubevirtModule, driver: async () => (await import('./kubevirt/index')).createKubevirtDriver },
  { module: libvirtModule, driver: async () => (await import('./libvirt/index')).createLibvirtDriver },
  { module: dockerModule, driver: async () => (await import('./docker/index')).createDockerDriver },
  { module: sshHostModule, driver: async () => (await import('./ssh-host/index')).createSshHostDriver },
];

const BY_KIND = new Map(PROVIDER_REGISTRY.map((p) => [p.module.kind, p]));

/** The kinds this build knows, in the order the add-cloud form offers them. */
export const PROVIDER_KINDS: readonly string[] = PROVIDER_REGISTRY.map((p) => p.module.kind);

export const PROVIDER_MODULES: readonly ProviderModule[] = PROVIDER_REGISTRY.map((p) => p.module);

/** The module of a kind, or undefined for a kind this build does not know (a row from a newer one). */
export function findProviderModule(kind: string): ProviderModule | undefined {
  return BY_KIND.get(kind)?.module;
}

/** The driver factory of a kind, its SDK loaded now; undefined for an unknown kind. */
export async function loadDriverFactory(kind: string): Promise<DriverFactory | undefined> {
  return BY_KIND.get(kind)?.driver();
}
