import type { Database } from '@overcast/db';
import { authorizeMachineAction, type OnBehalfOf } from '../authz/machine-access';

/**
 * A Docker engine reached through a machine (`config.sshMachineId`) is root on that machine: a
 * container can bind-mount its disks. Creating containers there, or opening a shell in one, needs
 * the right to a shell on that machine, checked as it happens. Other engines ask nothing more.
 */
export async function authorizeEngineHost(
  db: Database,
  organizationId: string,
  who: OnBehalfOf,
  cloudId: string,
): Promise<void> {
  const cloud = await db.prisma.cloud.findFirst({
    where: { id: cloudId, organizationId },
    select: { config: true },
  });
  // Only a container host's config schema admits `sshMachineId`.
  const hostId = (cloud?.config as { sshMachineId?: unknown } | null)?.sshMachineId;
  if (typeof hostId !== 'string') return;
  const host = await db.prisma.machine.findFirst({
    where: { id: hostId, organizationId },
    select: { id: true, name: true },
  });
  // A host no longer listed has no tags or cloud left for a policy to match.
  if (host) await authorizeMachineAction(db, organizationId, who, host, 'shell');
}
