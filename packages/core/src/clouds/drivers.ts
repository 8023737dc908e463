import type { DriverInit, ProviderDriver } from '@overcast/contracts';
import { DRIVER_LOADERS } from '@overcast/providers/loaders';
import { DomainError } from '../errors';

/** Builds the driver for a cloud from its decrypted credentials, loading its SDK on first use. */
export async function driverFor(provider: string, init: DriverInit): Promise<ProviderDriver> {
  const load = DRIVER_LOADERS[provider];
  if (!load)
    throw new DomainError(
      'invalid',
      'unsupported_provider',
      `Overcast has no driver for "${provider}" clouds.`,
    );
  return (await load())(init);
}
