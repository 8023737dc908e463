import { type CloudDestination, cloudDestinations, newCloudDestinations } from '@overcast/contracts';
import type { Role } from '@overcast/db';
import { DomainError } from '../errors';
import { assertOutboundAllowed, type OutboundRules } from '../outbound';
import { providerModule } from './modules';

/**
 * Every address of a cloud must pass the outbound guard. Private networks are fine for clouds
 * an admin sets up (KVM and SSH hosts usually live there); loopback, link-local and the rest
 * only when an admin allowed the range in settings.
 */
export async function checkCloudDestinations(
  provider: string,
  endpoint: string | null | undefined,
  config: Record<string, unknown> | null | undefined,
  access: { actorRole: Role; rules: OutboundRules },
  credentials?: Record<string, unknown>,
): Promise<void> {
  const module = providerModule(provider);
  const hosts = cloudDestinations(module.config, endpoint, config).map((d) => d.host);
  if (credentials) hosts.push(...(module.credentialDestinations?.(credentials) ?? []));
  for (const host of hosts) await assertOutboundAllowed(host, { purpose: 'cloud', ...access });
}

/**
 * Pointing a cloud somewhere new without entering its credentials would send the stored ones
 * there (a DigitalOcean token to any server): that needs the credentials typed again.
 */
export function requireCredentialsForNewDestinations(
  before: CloudDestination[],
  after: CloudDestination[],
  credentialsGiven: boolean,
): void {
  if (credentialsGiven || newCloudDestinations(before, after).length === 0) return;
  throw new DomainError(
    'invalid',
    'credentials_required',
    'The endpoint or a host address changed: enter the credentials again, so that stored ones are never sent to a new address.',
  );
}
