import type { HostKey as HostKeyView } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { normalizeFingerprint, type SshError } from '@overcast/ssh';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import { resolveMachineRoute } from '../ssh-access/open';
import { pinnedHostKey } from '../ssh-access/pins';
import type { AddressChoice } from '../ssh-access/route';

export function checkFingerprint(value: string): string {
  try {
    return normalizeFingerprint(value);
  } catch (err) {
    throw new DomainError('invalid', 'invalid_fingerprint', (err as SshError).message);
  }
}

/** An admin's word that the host's new key is genuine: later connections expect it. */
export async function acceptHostKey(
  db: Database,
  actor: OrgActor,
  machineId: string,
  input: { fingerprint: string; address?: AddressChoice; port?: number },
): Promise<HostKeyView> {
  // Another organization's machine is a 404 whatever the body says.
  const machine = await repos(db).machines.getInOrg(actor.organizationId, machineId);
  const fingerprint = checkFingerprint(input.fingerprint);
  const { route } = await resolveMachineRoute(db, machine, input);
  if (route.via !== 'ssh') {
    throw new DomainError(
      'conflict',
      'not_over_ssh',
      `${machine.name} is a container; it has no SSH host key.`,
    );
  }
  const target = { host: route.address, port: route.port };
  const before = await pinnedHostKey(db, machine.id, target.host, target.port);
  const row = await db.prisma.hostKey.upsert({
    where: { machineId_host_port: { machineId: machine.id, host: target.host, port: target.port } },
    create: {
      organizationId: machine.organizationId,
      machineId: machine.id,
      host: target.host,
      port: target.port,
      // The real algorithm is filled in by the first connection that sees the key.
      algorithm: before?.algorithm ?? 'unknown',
      fingerprint,
      acceptedById: actor.userId ?? null,
    },
    update: { fingerprint, acceptedById: actor.userId ?? null, createdAt: new Date() },
  });
  await recordAudit(db, actor, {
    action: 'machine.host_key.accept',
    resourceKind: 'machine',
    resourceId: machine.id,
    details: {
      name: machine.name,
      host: target.host,
      port: target.port,
      from: before?.fingerprint ?? null,
      to: fingerprint,
    },
  });
  return hostKeyView(row);
}

export function hostKeyView(row: {
  host: string;
  port: number;
  algorithm: string;
  fingerprint: string;
  acceptedById: string | null;
  createdAt: Date;
}): HostKeyView {
  return {
    host: row.host,
    port: row.port,
    algorithm: row.algorithm,
    fingerprint: row.fingerprint,
    acceptedById: row.acceptedById,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listHostKeys(db: Database, organizationId: string, machineId: string) {
  const machine = await repos(db).machines.getInOrg(organizationId, machineId);
  const rows = await db.prisma.hostKey.findMany({
    where: { machineId: machine.id, organizationId },
    orderBy: [{ host: 'asc' }, { port: 'asc' }],
  });
  return rows.map(hostKeyView);
}
