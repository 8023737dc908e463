import type { DriverInit, ProviderDriver } from '@overcast/contracts';
import {
  createAwsDriver,
  createDigitalOceanDriver,
  createGceDriver,
  createLibvirtDriver,
  createSshHostDriver,
} from '@overcast/providers';
import { DomainError } from '../errors';

// biome-ignore lint/suspicious/noExplicitAny: each driver checks its own credential shape.
type Factory = (init: DriverInit<any>) => ProviderDriver;

const FACTORIES: Record<string, Factory> = {
  aws: createAwsDriver,
  gce: createGceDriver,
  digitalocean: createDigitalOceanDriver,
  libvirt: createLibvirtDriver,
  ssh_host: createSshHostDriver,
};

/** Builds the driver for a cloud from its decrypted credentials. */
export function driverFor(provider: string, init: DriverInit): ProviderDriver {
  const factory = FACTORIES[provider];
  if (!factory)
    throw new DomainError(
      'invalid',
      'unsupported_provider',
      `Overcast has no driver for "${provider}" clouds.`,
    );
  return factory(init);
}
