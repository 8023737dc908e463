import { DomainError, notFound } from '../errors';
import type { SecretsRuntime } from '../runtime';
import { keyLoader } from '../ssh-access/login';
import { providerModule } from './modules';

const LOGIN_FIELDS = ['privateKey', 'passphrase', 'password'] as const;

/** Whether this cloud logs in over SSH itself (an SSH-host cloud, a KVM host reached over SSH). */
const logsInOverSsh = (provider: string, config: Record<string, unknown>) =>
  providerModule(provider).logsInOverSsh?.(config) ?? false;

/**
 * Lets an SSH-host cloud (or a remote KVM host) log in with a key of the organization: the one
 * named by `config.sshKeyId`, or the default key when no key or password was pasted. The key is
 * copied into the cloud's sealed credentials when the cloud is saved (drivers know nothing of
 * the database); `config.sshKeyId` says which one it was, and saving the cloud again picks up
 * a replaced key. A pasted key or password is used as given.
 */
export async function useOrganizationKey(
  runtime: SecretsRuntime,
  organizationId: string,
  provider: string,
  config: Record<string, unknown>,
  credentials: Record<string, unknown>,
): Promise<{ config: Record<string, unknown>; credentials: Record<string, unknown> }> {
  if (!logsInOverSsh(provider, config)) return { config, credentials };
  const pasted = Boolean(credentials.privateKey) || typeof credentials.password === 'string';
  const keyId = typeof config.sshKeyId === 'string' ? config.sshKeyId : null;
  if (pasted && keyId) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      'Give either config.sshKeyId (a key of the organization) or a pasted privateKey/password, not both.',
    );
  }
  if (pasted) return { config, credentials };
  const found = await keyLoader(runtime, organizationId)(keyId);
  if (!found) {
    if (keyId) throw notFound('SSH key');
    throw new DomainError(
      'invalid',
      'validation_failed',
      'credentials: give a privateKey or a password, or generate a key on the Keys page first (the organization has no default key to log in with).',
    );
  }
  const rest = Object.fromEntries(
    Object.entries(credentials).filter(([k]) => !(LOGIN_FIELDS as readonly string[]).includes(k)),
  );
  return {
    config: { ...config, sshKeyId: found.key.id },
    credentials: {
      ...rest,
      privateKey: found.secret.privateKey,
      ...(found.secret.passphrase ? { passphrase: found.secret.passphrase } : {}),
    },
  };
}
