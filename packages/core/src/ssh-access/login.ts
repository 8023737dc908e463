import type { Cloud, Machine, SshKey } from '@overcast/db';
import { findProviderModule } from '@overcast/providers/registry';
import type { SecretBox } from '@overcast/runtime';
import { openCredentials } from '../clouds/credentials';
import { openPrivateKey, type StoredPrivateKey } from '../keys/private-key';
import type { SecretsRuntime } from '../runtime';

/** The secret half of a login; never logged or returned. */
export interface MachineLogin {
  privateKey?: string;
  passphrase?: string;
  password?: string;
  /** The organization key used, if any. */
  keyId: string | null;
  source: 'machine-key' | 'cloud' | 'default-key';
}

type Secret = Pick<MachineLogin, 'privateKey' | 'passphrase' | 'password'>;

/** An organization's key by id, or its default key for null; each opened once per loader. */
export type KeyLoader = (keyId: string | null) => Promise<{ key: SshKey; secret: StoredPrivateKey } | null>;

export function keyLoader(runtime: SecretsRuntime, organizationId: string): KeyLoader {
  const cache = new Map<string, ReturnType<KeyLoader>>();
  return (keyId) => {
    const slot = keyId ?? '(default)';
    let found = cache.get(slot);
    if (!found) {
      found = runtime.db.prisma.sshKey
        .findFirst({
          where: keyId ? { id: keyId, organizationId } : { organizationId, isDefault: true },
        })
        .then((key) => (key ? { key, secret: openPrivateKey(runtime.box, key) } : null));
      cache.set(slot, found);
    }
    return found;
  };
}

/**
 * The login an SSH-host cloud has for one of its hosts: its credentials, or the per-host
 * override under `credentials.hosts["address:port"]`. Null for other clouds, or credentials
 * that do not open.
 */
export function cloudLogin(
  box: SecretBox,
  cloud: Cloud,
  machine: Pick<Machine, 'externalId'>,
): Secret | null {
  if (!findProviderModule(cloud.provider)?.machinesFromConfig) return null;
  let credentials: Secret & { hosts?: Record<string, Secret> };
  try {
    credentials = openCredentials(box, cloud) as typeof credentials;
  } catch {
    return null;
  }
  const own = credentials.hosts?.[machine.externalId];
  const login = own?.privateKey || own?.password ? own : credentials;
  return login.privateKey || login.password
    ? { privateKey: login.privateKey, passphrase: login.passphrase, password: login.password }
    : null;
}

/**
 * What Overcast logs in to a machine with: the key set on the machine, else the login of its
 * SSH-host cloud (the one the host was added with), else the organization's default key.
 * Null when there is none (the terminal then asks for a password).
 */
export async function machineLogin(
  box: SecretBox,
  machine: Pick<Machine, 'externalId' | 'sshKeyId'>,
  cloud: Cloud,
  keys: KeyLoader,
): Promise<MachineLogin | null> {
  const own = machine.sshKeyId ? await keys(machine.sshKeyId) : null;
  if (own) return { ...own.secret, keyId: own.key.id, source: 'machine-key' };
  const fromCloud = cloudLogin(box, cloud, machine);
  if (fromCloud) return { ...fromCloud, keyId: null, source: 'cloud' };
  const fallback = await keys(null);
  if (fallback) return { ...fallback.secret, keyId: fallback.key.id, source: 'default-key' };
  return null;
}
