import type { Database } from '@overcast/db';
import { authorizeMachineAction } from '../authz/machine-access';
import type { Principal } from '../authz/policy';
import { DomainError, notFound } from '../errors';
import { loginKeyFor } from '../keys/service';
import type { SecretBox } from '../secrets';
import { cloudHostLogin } from '../terminal/cloud-host';
import { pinnedHostKey } from '../terminal/hostkeys';
import { sshTarget } from '../terminal/target';

/**
 * A Docker engine reached through a machine Overcast already logs in to (`config.sshMachineId`):
 * the machine's address, SSH user and port, its login (its own key, the organization's default
 * key, or its SSH-host cloud's login) and its pinned host key become the engine's ssh://
 * address and credentials. They are copied at save time, so the engine keeps working if the
 * machine's row changes; saving the cloud again picks up new ones.
 */
export async function resolveDockerViaMachine(
  deps: { db: Database; box: SecretBox },
  organizationId: string,
  config: Record<string, unknown>,
  credentials: Record<string, unknown>,
  /** The person pointing the engine at the machine; null for the platform itself. */
  caller: Principal | null,
): Promise<{ config: Record<string, unknown>; credentials: Record<string, unknown> }> {
  const machineId = config.sshMachineId;
  if (typeof machineId !== 'string') return { config, credentials };
  const machine = await deps.db.prisma.machine.findFirst({ where: { id: machineId, organizationId } });
  if (!machine) throw notFound('Machine');
  // The engine gets the machine's login, and a Docker engine is root on its host (containers
  // with its disks mounted, exec into them): only someone allowed a shell there may do this.
  await authorizeMachineAction(
    deps.db,
    organizationId,
    { label: 'you', principal: caller },
    machine,
    'shell',
  );
  const hostLogin = await cloudHostLogin(deps, machine).catch(() => null);
  const target = sshTarget({
    ...machine,
    sshUser: machine.sshUser ?? hostLogin?.username ?? null,
    sshPort: machine.sshPort ?? hostLogin?.port ?? null,
  });
  const key = await loginKeyFor(deps, machine);
  const login = key
    ? { privateKey: key.secret.privateKey, passphrase: key.secret.passphrase }
    : hostLogin?.privateKey || hostLogin?.password
      ? { privateKey: hostLogin.privateKey, passphrase: hostLogin.passphrase, password: hostLogin.password }
      : null;
  if (!login) {
    throw new DomainError(
      'invalid',
      'no_ssh_login',
      `Overcast has no SSH key for ${machine.name}: associate one with it (or set an organization default key) first.`,
    );
  }
  const pinned = await pinnedHostKey(deps.db, machine.id, target.host, target.port);
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return {
    config: {
      ...config,
      host: `ssh://${encodeURIComponent(target.user)}@${host}:${target.port}`,
      ...(pinned ? { hostKeyFingerprint: pinned.fingerprint } : {}),
    },
    credentials: Object.fromEntries(
      Object.entries({ ...credentials, ...login }).filter(([, v]) => v !== undefined),
    ),
  };
}
