import { type CloudProvider, ProviderInputs } from '@overcast/contracts';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DomainError } from '../errors';

function check(schema: TSchema, value: unknown, where: string): void {
  const first = Value.Errors(schema, value).First();
  if (!first) return;
  const path = first.path.replace(/^\//, '').replaceAll('/', '.');
  const field = path ? `${where}.${path}` : where;
  const message =
    first.value === undefined ? `${field} is required.` : `${field}: ${first.message.toLowerCase()}.`;
  throw new DomainError('invalid', 'validation_failed', message);
}

/** Checks a cloud's credentials and config against its provider's schema; 400 names the field. */
export function validateCloudInputs(provider: CloudProvider, credentials: unknown, config: unknown): void {
  const schemas = ProviderInputs[provider];
  check(schemas.credentials, credentials, 'credentials');
  check(schemas.config, config ?? {}, 'config');
  if (provider === 'docker') {
    const c = (config ?? {}) as { host?: string; sshMachineId?: string };
    if (!c.host && !c.sshMachineId) {
      throw new DomainError(
        'invalid',
        'validation_failed',
        'config.host is required: the engine address (DOCKER_HOST), or config.sshMachineId to reach it through a machine Overcast logs in to.',
      );
    }
  }
  if (provider === 'gce') {
    const sa = (credentials as { serviceAccount: unknown }).serviceAccount;
    if (typeof sa === 'string') {
      try {
        JSON.parse(sa);
      } catch {
        throw new DomainError(
          'invalid',
          'validation_failed',
          'credentials.serviceAccount is not valid JSON; paste the whole key file.',
        );
      }
    }
  }
}

/** GCE service accounts may arrive as text; drivers get the object. */
export function normalizeCredentials(
  provider: CloudProvider,
  credentials: Record<string, unknown>,
): Record<string, unknown> {
  if (provider === 'gce' && typeof credentials.serviceAccount === 'string') {
    return { ...credentials, serviceAccount: JSON.parse(credentials.serviceAccount) };
  }
  return credentials;
}
