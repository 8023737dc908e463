import type { ProviderDriver, ProviderKind } from '@overcast/contracts';

/**
 * Providers whose drivers exist before `PROVIDERS` lists them: the provider modules register
 * them. Until then a driver is built as an `UnregisteredDriver` and handed out through
 * `asProviderDriver`, the one place where its kind is widened.
 */
export type UnregisteredKind = 'hetzner' | 'linode' | 'vultr' | 'openstack' | 'proxmox' | 'azure';

export type UnregisteredDriver = Omit<ProviderDriver, 'provider'> & { readonly provider: UnregisteredKind };

/** Fails to compile once a kind is registered, so this seam is removed with the last of them. */
type StillUnregistered = Extract<UnregisteredKind, ProviderKind> extends never ? true : never;
const stillUnregistered: StillUnregistered = true;

export function asProviderDriver(driver: UnregisteredDriver): ProviderDriver {
  void stillUnregistered;
  return driver as unknown as ProviderDriver;
}
