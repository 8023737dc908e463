import type { ProviderDriver } from '@overcast/contracts';

/**
 * Kept for drivers written before `ProviderKind` became open (a string the registry fills): a
 * driver typed as an `UnregisteredDriver` is handed out through `asProviderDriver`. New drivers
 * return a `ProviderDriver` directly and need neither.
 */
export type UnregisteredKind = string;

export type UnregisteredDriver = Omit<ProviderDriver, 'provider'> & { readonly provider: UnregisteredKind };

export function asProviderDriver(driver: UnregisteredDriver): ProviderDriver {
  return driver;
}
