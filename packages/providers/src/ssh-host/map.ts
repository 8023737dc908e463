import { isIP } from 'node:net';
import type { RemoteMachine } from '@overcast/contracts';
import type { PinnedHostKey, SshError } from '@overcast/ssh';
import { hostId, type SshHostEntry } from './config';
import type { HostFacts } from './facts';

// Same rules as everywhere: RFC 1918, CGNAT, unique-local IPv6 are private.
function isPrivate(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  return /^f[cd]/i.test(address);
}

/** "4 CPU / 7.6 GiB" */
export function sizeLabel(cpus: number | null, memoryMb: number | null): string | null {
  if (cpus === null && memoryMb === null) return null;
  const parts = [
    cpus === null ? null : `${cpus} CPU`,
    memoryMb === null ? null : `${(memoryMb / 1024).toFixed(1)} GiB`,
  ];
  return parts.filter(Boolean).join(' / ');
}

export function toMachine(host: SshHostEntry, facts: HostFacts, hostKey: PinnedHostKey): RemoteMachine {
  // What the host says about itself, to show; Overcast dials only the address it was added with
  // (kept in extra). That address counts too when it is an IP the host does not list (NAT).
  const ips = [
    ...new Set([
      ...facts.addresses,
      ...(isIP(host.address) && host.address !== '127.0.0.1' ? [host.address] : []),
    ]),
  ];
  return {
    externalId: hostId(host.address, host.port),
    name: host.name ?? facts.hostname ?? host.address,
    // We are talking to it, so it runs.
    state: 'running',
    rawState: 'reachable',
    size: sizeLabel(facts.cpus, facts.memoryMb),
    image: facts.os.prettyName ?? facts.kernel,
    location: null,
    publicIps: ips.filter((a) => !isPrivate(a)),
    privateIps: ips.filter((a) => isPrivate(a)),
    createdAt: null,
    tags: {},
    extra: {
      address: host.address,
      port: host.port,
      username: host.username,
      hostname: facts.hostname,
      os: facts.os,
      kernel: facts.kernel,
      arch: facts.arch,
      cpus: facts.cpus,
      memoryMb: facts.memoryMb,
      // Not the free memory or the uptime: readings that change by the second would make every
      // poll a change to the machine (a write and a "Details updated" event per host per poll).
      addresses: facts.addresses,
      hostKey,
    },
  };
}

/** A host we could not read: listed, state unknown, with what went wrong. */
export function unreachableMachine(
  host: SshHostEntry,
  error: SshError | Error,
  hostKey: PinnedHostKey | null,
): RemoteMachine {
  const kind = 'kind' in error ? String(error.kind) : 'error';
  return {
    externalId: hostId(host.address, host.port),
    name: host.name ?? host.address,
    state: 'unknown',
    rawState: kind,
    size: null,
    image: null,
    location: null,
    publicIps: [],
    privateIps: [],
    createdAt: null,
    tags: {},
    extra: {
      address: host.address,
      port: host.port,
      username: host.username,
      error: { kind, message: error.message },
      hostKey,
    },
  };
}
