import type { DriverInit, ProviderDriver } from '@overcast/contracts';
import type { Role } from '@overcast/db';
import { loadDriverFactory } from '@overcast/providers/registry';
import { DomainError } from '../errors';
import { guardedLookup, type OutboundRules } from '../outbound';

/** Whose say-so a driver's connections go by: the guard's rules for cloud addresses. */
export interface DriverAccess {
  actorRole: Role | null;
  rules: OutboundRules;
}

/**
 * Builds the driver for a cloud from its decrypted credentials, loading its SDK on first use.
 * Every name the driver connects to is resolved through the outbound guard, so an address
 * checked on save or before a poll cannot resolve somewhere else by the time it is connected to.
 */
export async function driverFor(
  provider: string,
  init: Omit<DriverInit, 'lookup'>,
  access: DriverAccess,
): Promise<ProviderDriver> {
  const create = await loadDriverFactory(provider);
  if (!create)
    throw new DomainError(
      'invalid',
      'unsupported_provider',
      `Overcast has no driver for "${provider}" clouds.`,
    );
  return create({ ...init, lookup: guardedLookup({ purpose: 'cloud', ...access }) });
}
