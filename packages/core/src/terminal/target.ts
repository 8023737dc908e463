import type { Machine } from '@overcast/db';
import { DomainError } from '../errors';

export type AddressChoice = 'public' | 'private';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

/**
 * Where the terminal connects: the machine's first public address (its private one when it has
 * no public one, or when asked for), its SSH port and user (22 and root unless set).
 */
export function sshTarget(
  machine: Pick<Machine, 'name' | 'publicIps' | 'privateIps' | 'sshPort' | 'sshUser'>,
  options: { address?: AddressChoice; port?: number } = {},
): SshTarget {
  const host =
    options.address === 'private'
      ? machine.privateIps[0]
      : options.address === 'public'
        ? machine.publicIps[0]
        : (machine.publicIps[0] ?? machine.privateIps[0]);
  if (!host) {
    throw new DomainError(
      'conflict',
      'no_address',
      options.address
        ? `${machine.name} has no ${options.address} address to connect to.`
        : `${machine.name} has no address to connect to yet; wait until it is running.`,
    );
  }
  return { host, port: options.port ?? machine.sshPort ?? 22, user: machine.sshUser ?? 'root' };
}
