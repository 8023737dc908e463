import type { Cloud, Machine } from '@overcast/db';
import { findProviderModule } from '@overcast/providers/registry';
import { DomainError } from '../errors';

export type AddressChoice = 'public' | 'private';

/** Where Overcast logs in to a machine over SSH, and why there. */
export interface SshRoute {
  via: 'ssh';
  address: string;
  port: number;
  user: string;
  /** `cloud`: the address the machine was added with; `machine`: an address its provider reports. */
  source: 'cloud' | 'machine';
  /** "reached at 127.0.0.1:22222 as root, from the cloud's settings" */
  reason: string;
}

/** A container: commands go through its engine's exec API, never SSH. */
export interface ExecRoute {
  via: 'docker-exec';
  reason: string;
}

export type MachineRoute = SshRoute | ExecRoute;

type RouteMachine = Pick<Machine, 'name' | 'externalId' | 'publicIps' | 'privateIps' | 'sshPort' | 'sshUser'>;
type RouteCloud = Pick<Cloud, 'provider' | 'config' | 'title'>;

interface HostEntry {
  address: string;
  port?: number;
  username: string;
}

/** The SSH-host driver's externalId: "address:port", IPv6 in brackets. */
export const sshHostId = (address: string, port: number): string =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

/** The entry of an SSH-host cloud's settings a machine was listed from (null: none matches). */
export function sshHostEntry(cloud: Pick<Cloud, 'config'>, externalId: string): HostEntry | null {
  const hosts = ((cloud.config as { hosts?: HostEntry[] } | null)?.hosts ?? []) as HostEntry[];
  return hosts.find((h) => sshHostId(h.address, h.port ?? 22) === externalId) ?? null;
}

const at = (address: string, port: number) =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

/**
 * How a machine is reached: the one answer the terminal, script runs and monitoring all use.
 *
 * - A container: through its engine's exec API.
 * - A host of an SSH-host cloud: at the address and port it was added with, always. The addresses
 *   a host reports about itself are facts to show, never places to dial (one could name
 *   Overcast's own loopback). Its user may be set on the machine.
 * - Any other machine: at the address its provider reports (public first, or the one asked
 *   for), on its own SSH port and user (22 and root unless set).
 */
export function machineRoute(
  machine: RouteMachine,
  cloud: RouteCloud,
  choice: { address?: AddressChoice; port?: number } = {},
): MachineRoute {
  const module = findProviderModule(cloud.provider);
  if (module?.features.shell === 'exec') {
    return { via: 'docker-exec', reason: `through the exec API of the Docker engine "${cloud.title}"` };
  }
  if (module?.machinesFromConfig) {
    const host = sshHostEntry(cloud, machine.externalId);
    if (!host) {
      throw new DomainError(
        'conflict',
        'host_not_configured',
        `${machine.name} is no longer among the hosts of the cloud "${cloud.title}"; add it there again to reach it.`,
      );
    }
    if (choice.address || choice.port) {
      throw new DomainError(
        'invalid',
        'address_fixed',
        `${machine.name} is reached only at the address and port it was added with; change them in the settings of the cloud "${cloud.title}".`,
      );
    }
    const port = host.port ?? 22;
    const user = machine.sshUser ?? host.username;
    return {
      via: 'ssh',
      address: host.address,
      port,
      user,
      source: 'cloud',
      reason: machine.sshUser
        ? `reached at ${at(host.address, port)}, from the cloud's settings, as ${user} (set on this machine)`
        : `reached at ${at(host.address, port)} as ${user}, from the cloud's settings`,
    };
  }
  const which =
    choice.address ?? (machine.publicIps[0] ? 'public' : machine.privateIps[0] ? 'private' : undefined);
  const address = which === 'private' ? machine.privateIps[0] : machine.publicIps[0];
  if (!address) {
    throw new DomainError(
      'conflict',
      'no_address',
      choice.address
        ? `${machine.name} has no ${choice.address} address to connect to.`
        : `${machine.name} has no address to connect to yet; wait until it is running.`,
    );
  }
  const port = choice.port ?? machine.sshPort ?? 22;
  const user = machine.sshUser ?? 'root';
  const portWhy = choice.port ? 'asked for' : machine.sshPort ? 'set on this machine' : 'the default';
  const userWhy = machine.sshUser ? 'set on this machine' : 'the default';
  return {
    via: 'ssh',
    address,
    port,
    user,
    source: 'machine',
    reason: `reached at ${at(address, port)} as ${user}: its ${which} address as reported by the provider, port ${port} (${portWhy}), user ${user} (${userWhy})`,
  };
}
