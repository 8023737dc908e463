import type { Cloud, Database, Machine } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { connectSsh, type SshConnection, SshError } from '@overcast/ssh';
import { DomainError } from '../errors';
import { guardedLookup, outboundRules } from '../outbound';
import type { CloudRuntime } from '../runtime';
import { keyLoader, type MachineLogin, machineLogin } from './login';
import { pinHostKey, pinnedHostKey } from './pins';
import { type AddressChoice, type MachineRoute, machineRoute, type SshRoute } from './route';

export async function machineCloud(db: Database, machine: Pick<Machine, 'cloudId' | 'organizationId'>) {
  const cloud = await db.prisma.cloud.findFirst({
    where: { id: machine.cloudId, organizationId: machine.organizationId },
  });
  if (!cloud) throw new DomainError('not_found', 'cloud_not_found', 'The machine’s cloud was not found.');
  return cloud;
}

/** The machine's route (see machineRoute) and its cloud, loaded for the purpose. */
export async function resolveMachineRoute(
  db: Database,
  machine: Machine,
  choice: { address?: AddressChoice; port?: number } = {},
): Promise<{ route: MachineRoute; cloud: Cloud }> {
  const cloud = await machineCloud(db, machine);
  return { route: machineRoute(machine, cloud, choice), cloud };
}

/** A host key already pinned for this route, when the caller has loaded it (undefined: look it up). */
type Pin = { fingerprint: string; algorithm: string } | null | undefined;

/**
 * Opens SSH along a route with the given login, insisting on the pinned host key; a first key
 * seen is pinned (and a pinned key's algorithm filled in). SshErrors pass through for the
 * caller to word.
 */
export async function openRouteSsh(
  runtime: Pick<Runtime, 'db' | 'settings'>,
  machine: Pick<Machine, 'id' | 'organizationId'>,
  route: SshRoute,
  login: Pick<MachineLogin, 'privateKey' | 'passphrase' | 'password'> | null,
  options: {
    pinned?: Pin;
    signal?: AbortSignal;
    connectTimeoutMs?: number;
    keepaliveIntervalMs?: number;
  },
): Promise<{ conn: SshConnection; firstUse: boolean }> {
  const { db } = runtime;
  const pinned =
    options.pinned !== undefined
      ? options.pinned
      : await pinnedHostKey(db, machine.id, route.address, route.port);
  const conn = await connectSsh({
    host: route.address,
    port: route.port,
    username: route.user,
    privateKey: login?.privateKey,
    passphrase: login?.passphrase,
    password: login?.password,
    hostKeyFingerprint: pinned?.fingerprint ?? null,
    connectTimeoutMs: options.connectTimeoutMs,
    keepaliveIntervalMs: options.keepaliveIntervalMs,
    signal: options.signal,
    // As for a poll: private networks are normal for machines, loopback and the rest only if
    // allowed. A host name is judged as it resolves, and that address dialed.
    lookup: guardedLookup({ purpose: 'cloud', actorRole: 'admin', rules: outboundRules(runtime.settings) }),
  });
  try {
    if (!pinned || pinned.algorithm !== conn.hostKey.algorithm) {
      await pinHostKey(db, machine, route.address, route.port, conn.hostKey);
    }
  } catch (err) {
    await conn.close().catch(() => {});
    throw err;
  }
  return { conn, firstUse: !pinned };
}

/**
 * A non-interactive login to a machine, for work nobody watches (metrics): the route and login
 * everything else uses, the same host-key pinning, but never a password prompt and never a
 * changed host key accepted. Failures are DomainErrors that say why.
 */
export async function connectMachineSsh(
  runtime: CloudRuntime,
  machine: Machine,
  options: { signal?: AbortSignal; connectTimeoutMs?: number },
): Promise<SshConnection> {
  const { route, cloud } = await resolveMachineRoute(runtime.db, machine);
  if (route.via !== 'ssh') {
    throw new DomainError(
      'conflict',
      'not_over_ssh',
      `${machine.name} is a container: it is reached ${route.reason}, not over SSH.`,
    );
  }
  const login = await machineLogin(runtime.box, machine, cloud, keyLoader(runtime, machine.organizationId));
  if (!login) {
    throw new DomainError(
      'conflict',
      'no_login',
      `No SSH key is associated with ${machine.name} and the organization has no default key; add one on the Keys page.`,
    );
  }
  try {
    const { conn } = await openRouteSsh(runtime, machine, route, login, {
      signal: options.signal,
      connectTimeoutMs: options.connectTimeoutMs,
      keepaliveIntervalMs: 0,
    });
    return conn;
  } catch (err) {
    if (err instanceof SshError) {
      throw new DomainError(
        'provider_failed',
        err.kind === 'host-key-mismatch' ? 'host_key_changed' : 'ssh_failed',
        err.kind === 'host-key-mismatch'
          ? `The host key of ${machine.name} has changed; an admin must accept the new key in the terminal before it is used again.`
          : `SSH to ${route.user}@${route.address}:${route.port} failed: ${err.message}`,
      );
    }
    throw err;
  }
}
