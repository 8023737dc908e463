import { authorizeMachineAction } from '../authz/machine-access';
import type { Principal } from '../authz/policy';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import type { SecretsRuntime } from '../runtime';
import { keyLoader, machineLogin } from '../ssh-access/login';
import { resolveMachineRoute } from '../ssh-access/open';
import { pinnedHostKey } from '../ssh-access/pins';

/**
 * A Docker engine reached through a machine Overcast already logs in to (`config.sshMachineId`):
 * the machine's address, SSH user and port, its login (its own key, the organization's default
 * key, or its SSH-host cloud's login) and its pinned host key become the engine's ssh://
 * address and credentials. They are copied at save time, so the engine keeps working if the
 * machine's row changes; saving the cloud again picks up new ones.
 */
export async function resolveDockerViaMachine(
  runtime: SecretsRuntime,
  organizationId: string,
  config: Record<string, unknown>,
  credentials: Record<string, unknown>,
  /** The person pointing the engine at the machine; null for the platform itself. */
  caller: Principal | null,
): Promise<{ config: Record<string, unknown>; credentials: Record<string, unknown> }> {
  const machineId = config.sshMachineId;
  if (typeof machineId !== 'string') return { config, credentials };
  const machine = await repos(runtime.db).machines.getInOrg(organizationId, machineId);
  // The engine gets the machine's login, and a Docker engine is root on its host (containers
  // with its disks mounted, exec into them): only someone allowed a shell there may do this.
  await authorizeMachineAction(
    runtime.db,
    organizationId,
    { label: 'you', principal: caller },
    machine,
    'shell',
  );
  const { route, cloud } = await resolveMachineRoute(runtime.db, machine);
  if (route.via !== 'ssh') {
    throw new DomainError(
      'invalid',
      'not_over_ssh',
      `${machine.name} is a container; reach its engine through the machine that runs it.`,
    );
  }
  const login = await machineLogin(runtime.box, machine, cloud, keyLoader(runtime, organizationId));
  if (!login) {
    throw new DomainError(
      'invalid',
      'no_ssh_login',
      `Overcast has no SSH key for ${machine.name}: associate one with it (or set an organization default key) first.`,
    );
  }
  const pinned = await pinnedHostKey(runtime.db, machine.id, route.address, route.port);
  const host = route.address.includes(':') ? `[${route.address}]` : route.address;
  return {
    config: {
      ...config,
      host: `ssh://${encodeURIComponent(route.user)}@${host}:${route.port}`,
      ...(pinned ? { hostKeyFingerprint: pinned.fingerprint } : {}),
    },
    credentials: Object.fromEntries(
      Object.entries({
        ...credentials,
        privateKey: login.privateKey,
        passphrase: login.passphrase,
        password: login.password,
      }).filter(([, v]) => v !== undefined),
    ),
  };
}
