import type { Database } from '@overcast/db';
import type { Redis } from 'ioredis';
import { type Actor, recordAudit } from '../audit';
import { COST_TAG, parseCostTag } from '../cost';
import { DomainError } from '../errors';
import { publishEvents } from '../events';
import { orgMachine } from './actions';

/** Sets Overcast tags on a machine (provider tags are left alone). A cost_per_month tag re-prices it at once. */
export async function setMachineTags(
  db: Database,
  redis: Redis,
  actor: Actor & { organizationId: string },
  id: string,
  tags: Record<string, string>,
): Promise<void> {
  const machine = await orgMachine(db, actor.organizationId, id);
  if (COST_TAG in tags && parseCostTag(tags[COST_TAG]) === null) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      `The ${COST_TAG} tag must be an amount such as "25" or "25.50".`,
    );
  }
  await db.prisma.$transaction(async (tx) => {
    for (const [key, value] of Object.entries(tags)) {
      await tx.tag.upsert({
        where: { resourceKind_resourceId_key: { resourceKind: 'machine', resourceId: id, key } },
        create: { organizationId: actor.organizationId, resourceKind: 'machine', resourceId: id, key, value },
        update: { value },
      });
    }
    if (COST_TAG in tags) {
      const monthly = parseCostTag(tags[COST_TAG])!;
      await tx.machine.update({
        where: { id },
        data: {
          costMonthly: monthly,
          costHourly: monthly / 730,
          costSource: 'tag',
          priceUnknownReason: null,
        },
      });
    }
    await tx.machineEvent.create({
      data: {
        organizationId: actor.organizationId,
        machineId: id,
        kind: 'tagged',
        data: { set: tags, by: actor.label },
      },
    });
  });
  await recordAudit(db, actor, {
    action: 'machine.tag',
    resourceKind: 'machine',
    resourceId: id,
    details: { name: machine.name, set: tags },
  });
  await publishEvents(redis, actor.organizationId, [
    { type: 'machine.changed', cloudId: machine.cloudId, machineId: id, kind: 'tagged', data: { set: tags } },
  ]);
}

export async function removeMachineTag(
  db: Database,
  redis: Redis,
  actor: Actor & { organizationId: string },
  id: string,
  key: string,
): Promise<void> {
  const machine = await orgMachine(db, actor.organizationId, id);
  const { count } = await db.prisma.tag.deleteMany({
    where: { organizationId: actor.organizationId, resourceKind: 'machine', resourceId: id, key },
  });
  if (count === 0)
    throw new DomainError('not_found', 'tag_not_found', `The machine has no Overcast tag "${key}".`);
  await db.prisma.machineEvent.create({
    data: {
      organizationId: actor.organizationId,
      machineId: id,
      kind: 'tagged',
      data: { removed: key, by: actor.label },
    },
  });
  await recordAudit(db, actor, {
    action: 'machine.untag',
    resourceKind: 'machine',
    resourceId: id,
    details: { key },
  });
  await publishEvents(redis, actor.organizationId, [
    {
      type: 'machine.changed',
      cloudId: machine.cloudId,
      machineId: id,
      kind: 'tagged',
      data: { removed: key },
    },
  ]);
}
