import type { Database, Machine } from '@overcast/db';
import type { Runtime, Settings } from '@overcast/runtime';
import { type Actor, recordAudit } from '../audit';
import { governedByPolicies, MACHINE_RIGHT_WORDS, machineRightsWith, type Principal } from '../authz';
import { COST_TAG, parseCostTag } from '../cost';
import { DomainError } from '../errors';
import { publishEvents } from '../events';
import { repos } from '../repositories';

export type TagLimits = Pick<Settings['limits'], 'tagsPerMachine' | 'tagKeyMaxLength' | 'tagValueMaxLength'>;

/** Refuses tags beyond the configured lengths, or that would leave a machine with more than its share. */
export function checkTagLimits(
  limits: TagLimits,
  existingKeys: readonly string[],
  tags: Record<string, string>,
): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length > limits.tagKeyMaxLength)
      throw new DomainError(
        'invalid',
        'tag_too_long',
        `The tag key "${key.slice(0, 40)}…" is longer than ${limits.tagKeyMaxLength} characters; shorten it.`,
      );
    if (value.length > limits.tagValueMaxLength)
      throw new DomainError(
        'invalid',
        'tag_too_long',
        `The value of tag "${key}" is longer than ${limits.tagValueMaxLength} characters; shorten it.`,
      );
  }
  const keys = new Set([...existingKeys, ...Object.keys(tags)]);
  if (keys.size > limits.tagsPerMachine) {
    throw new DomainError(
      'invalid',
      'too_many_tags',
      `A machine may carry at most ${limits.tagsPerMachine} tags; this would make ${keys.size}` +
        (existingKeys.length > 0 ? ` (it has ${existingKeys.length})` : '') +
        '. Remove some first, or set fewer.',
    );
  }
}

type OrgMachine = Machine;

/** The machine's effective tags: provider tags overlaid with Overcast tags, as policies see them. */
function effectiveTags(machine: OrgMachine, own: Record<string, string>): Record<string, string> {
  const provider = Object.fromEntries(
    Object.entries((machine.providerTags ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
  return { ...provider, ...own };
}

/**
 * Policies may grant or deny by tag, so a tag change may open up what the caller could not do.
 * Refuses (403) a change after which the caller would hold a right on the machine they do not
 * hold now, naming it; a change that only takes rights away, or changes none, is allowed.
 */
async function checkTagChange(
  db: Database,
  caller: Principal | undefined,
  machine: OrgMachine,
  change: (own: Record<string, string>) => Record<string, string>,
): Promise<void> {
  // Without team policies the role decides, and tags change nothing.
  if (!caller || !governedByPolicies(caller)) return;
  const rows = await db.prisma.tag.findMany({
    where: { organizationId: machine.organizationId, resourceKind: 'machine', resourceId: machine.id },
    select: { key: true, value: true },
  });
  const own = Object.fromEntries(rows.map((t) => [t.key, t.value]));
  const before = machineRightsWith(caller, { cloudId: machine.cloudId, tags: effectiveTags(machine, own) });
  const after = machineRightsWith(caller, {
    cloudId: machine.cloudId,
    tags: effectiveTags(machine, change({ ...own })),
  });
  const gained = [...after].filter((r) => !before.has(r));
  if (gained.length > 0) {
    throw new DomainError(
      'forbidden',
      'tag_change_not_allowed',
      `This tag change would give you the right to ${gained.map((r) => MACHINE_RIGHT_WORDS[r]).join(', ')} ${machine.name}, which your teams' policies do not allow now; ask an admin to change its tags.`,
    );
  }
}

/** Sets Overcast tags on a machine (provider tags are left alone). A cost_per_month tag re-prices it at once. */
export async function setMachineTags(
  runtime: Pick<Runtime, 'db' | 'redis' | 'settings'>,
  actor: Actor & { organizationId: string },
  id: string,
  tags: Record<string, string>,
  /** The person asking: a tag change may not give them rights they do not hold. */
  caller?: Principal,
): Promise<void> {
  const { db, redis } = runtime;
  const machine = await repos(db).machines.getInOrg(actor.organizationId, id);
  const existing = await db.prisma.tag.findMany({
    where: { organizationId: actor.organizationId, resourceKind: 'machine', resourceId: id },
    select: { key: true },
  });
  checkTagLimits(
    runtime.settings.limits,
    existing.map((t) => t.key),
    tags,
  );
  if (COST_TAG in tags && parseCostTag(tags[COST_TAG]) === null) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      `The ${COST_TAG} tag must be an amount such as "25" or "25.50".`,
    );
  }
  await checkTagChange(db, caller, machine, (own) => ({ ...own, ...tags }));
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
  runtime: Pick<Runtime, 'db' | 'redis'>,
  actor: Actor & { organizationId: string },
  id: string,
  key: string,
  caller?: Principal,
): Promise<void> {
  const { db, redis } = runtime;
  const machine = await repos(db).machines.getInOrg(actor.organizationId, id);
  await checkTagChange(db, caller, machine, (own) => {
    delete own[key];
    return own;
  });
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
