import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DomainError } from '../errors';
import { providerModule } from './modules';

function check(schema: TSchema, value: unknown, where: string): void {
  const first = Value.Errors(schema, value).First();
  if (!first) return;
  const path = first.path.replace(/^\//, '').replaceAll('/', '.');
  const field = path ? `${where}.${path}` : where;
  const message =
    first.value === undefined ? `${field} is required.` : `${field}: ${first.message.toLowerCase()}.`;
  throw new DomainError('invalid', 'validation_failed', message, `body.${field}`);
}

/** Checks a cloud's credentials and config against its provider's schemas; 400 names the field. */
export function validateCloudInputs(provider: string, credentials: unknown, config: unknown): void {
  const module = providerModule(provider);
  check(module.credentials, credentials, 'credentials');
  check(module.config, config ?? {}, 'config');
  const refusal = module.check?.(
    credentials as Record<string, unknown>,
    (config ?? {}) as Record<string, unknown>,
  );
  // A module's refusal starts with the field it is about (`config.host is required: ...`).
  const field = refusal && /^(credentials|config)(\.[A-Za-z0-9_]+)*/.exec(refusal)?.[0];
  if (refusal)
    throw new DomainError('invalid', 'validation_failed', refusal, field ? `body.${field}` : undefined);
}

/** Credentials as the provider's driver takes them (e.g. a key pasted as text, parsed). */
export function normalizeCredentials(
  provider: string,
  credentials: Record<string, unknown>,
): Record<string, unknown> {
  return providerModule(provider).normalize?.(credentials) ?? credentials;
}
