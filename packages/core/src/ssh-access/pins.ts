import type { Database } from '@overcast/db';

export async function pinnedHostKey(db: Database, machineId: string, host: string, port: number) {
  return db.prisma.hostKey.findUnique({ where: { machineId_host_port: { machineId, host, port } } });
}

/** Remembers the key a host presented on first use. */
export async function pinHostKey(
  db: Database,
  machine: { id: string; organizationId: string },
  host: string,
  port: number,
  key: { algorithm: string; fingerprint: string },
): Promise<void> {
  await db.prisma.hostKey.upsert({
    where: { machineId_host_port: { machineId: machine.id, host, port } },
    create: {
      organizationId: machine.organizationId,
      machineId: machine.id,
      host,
      port,
      algorithm: key.algorithm,
      fingerprint: key.fingerprint,
    },
    update: { algorithm: key.algorithm },
  });
}
