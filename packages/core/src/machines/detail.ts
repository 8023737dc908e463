import type { MachineDetail } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { expirationView } from '../automation/expiration';
import { notFound } from '../errors';
import { reachedAt } from '../ssh-access/reached-at';
import { MACHINE_VIEW_COLUMNS, type MachineRow, toMachine } from './view';

const HISTORY_LIMIT = 200;

export async function machineRow(
  db: Database,
  organizationId: string,
  id: string,
): Promise<MachineRow & { extra: Record<string, unknown> }> {
  const { rows } = await db.pool.query<MachineRow & { extra: Record<string, unknown> }>(
    `SELECT ${MACHINE_VIEW_COLUMNS}, m.extra FROM machines m JOIN clouds c ON c.id = m.cloud_id
     WHERE m.id = $1 AND m.organization_id = $2`,
    [id, organizationId],
  );
  if (!rows[0]) throw notFound('Machine');
  return rows[0];
}

/** One machine: every fact, the provider's raw fields, and its history, newest first. */
export async function machineDetail(
  db: Database,
  organizationId: string,
  id: string,
): Promise<MachineDetail> {
  const row = await machineRow(db, organizationId, id);
  const history = await db.prisma.machineEvent.findMany({
    where: { machineId: id, organizationId },
    orderBy: { id: 'desc' },
    take: HISTORY_LIMIT,
  });
  const more = await db.prisma.machine.findUnique({
    where: { id },
    select: {
      createdAt: true,
      expiresAt: true,
      expirationAction: true,
      expirationNotifyMinutes: true,
      expirationNotifiedAt: true,
      sshPort: true,
      sshUser: true,
      cloud: { select: { provider: true, config: true, title: true } },
    },
  });
  return {
    machine: toMachine(row),
    extra: row.extra,
    providerTags: row.provider_tags,
    userTags: row.user_tags,
    history: [
      ...history.map((e) => ({
        id: e.id.toString(),
        kind: e.kind,
        data: e.data as Record<string, unknown>,
        createdAt: e.createdAt.toISOString(),
      })),
      // A machine a poll found stores no `created` event (inventory/sync-machines.ts): its row
      // was written when Overcast first saw it. Shown once the history is read to its start.
      ...(more && history.length < HISTORY_LIMIT && !history.some((e) => e.kind === 'created')
        ? [{ id: 'first-seen', kind: 'created', data: {}, createdAt: more.createdAt.toISOString() }]
        : []),
    ],
    expiration: more ? expirationView(more) : null,
    reachedAt: reachedAt(
      {
        name: row.name,
        externalId: row.external_id,
        publicIps: row.public_ips,
        privateIps: row.private_ips,
        sshPort: more?.sshPort ?? null,
        sshUser: more?.sshUser ?? null,
      },
      more?.cloud ?? { provider: row.provider as never, config: {}, title: row.cloud_title },
    ),
  };
}
