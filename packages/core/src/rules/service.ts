import type {
  CreateRuleRequest,
  RuleAction,
  RuleCondition,
  RuleTarget,
  Rule as RuleView,
  UpdateRuleRequest,
} from '@overcast/contracts';
import { type Database, isUniqueViolation, type Rule } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { allowedIds, type Principal } from '../authz';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import { checkActionRefs, checkTargetRefs } from './refs';

const DEFAULT_COOLDOWN = 600;

async function ruleViews(db: Database, rows: Rule[]): Promise<RuleView[]> {
  if (rows.length === 0) return [];
  const stats = await db.pool.query<{ rule_id: string; open: string; last: Date | null }>(
    `SELECT rule_id, count(*) FILTER (WHERE status = 'open') AS open, max(opened_at) AS last
       FROM incidents WHERE rule_id = ANY($1::uuid[]) GROUP BY rule_id`,
    [rows.map((r) => r.id)],
  );
  const byRule = new Map(stats.rows.map((s) => [s.rule_id, s]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    disabledReason: r.enabled ? null : r.disabledReason,
    target: r.target as RuleTarget,
    condition: r.condition as RuleCondition,
    actions: r.actions as RuleAction[],
    cooldownSeconds: r.cooldownSeconds,
    openIncidents: Number(byRule.get(r.id)?.open ?? 0),
    lastFiredAt: byRule.get(r.id)?.last?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function listRules(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<RuleView[]> {
  const only = caller ? await allowedIds(db, organizationId, caller, 'rules') : null;
  return ruleViews(
    db,
    await db.prisma.rule.findMany({
      where: { organizationId, ...(only ? { id: { in: only } } : {}) },
      orderBy: { name: 'asc' },
    }),
  );
}

export async function getRule(db: Database, organizationId: string, id: string): Promise<RuleView> {
  return (await ruleViews(db, [await repos(db).rules.getInOrg(organizationId, id)]))[0]!;
}

const nameTaken = (name: string) =>
  new DomainError('conflict', 'rule_name_taken', `A rule named "${name}" already exists; pick another name.`);
/** Checks what the schema cannot: that ids belong to the organization, and that actions fit the condition. */
async function checkRule(
  db: Database,
  organizationId: string,
  rule: { target: RuleTarget; condition: RuleCondition; actions: RuleAction[] },
): Promise<void> {
  await checkTargetRefs(db, organizationId, rule.target, 'body.target');
  await checkActionRefs(db, organizationId, rule.actions);
  if (rule.condition.kind === 'budget' && rule.condition.teamId) {
    await repos(db).teams.getInOrg(organizationId, rule.condition.teamId);
  }
  if (
    (rule.condition.kind === 'cost' && rule.condition.scope === 'total') ||
    rule.condition.kind === 'budget'
  ) {
    const i = rule.actions.findIndex((a) => a.kind === 'script' || a.kind === 'machine_action');
    if (i >= 0) {
      throw new DomainError(
        'invalid',
        'validation_failed',
        `body.actions[${i}]: a total-cost or budget condition is about no one machine, so it can only notify (email, webhook or chat).`,
      );
    }
  }
}

export async function createRule(db: Database, actor: OrgActor, input: CreateRuleRequest): Promise<RuleView> {
  await checkRule(db, actor.organizationId, input);
  let rule: Rule;
  try {
    rule = await db.prisma.rule.create({
      data: {
        organizationId: actor.organizationId,
        name: input.name.trim(),
        enabled: input.enabled ?? true,
        target: input.target as object,
        condition: input.condition as object,
        actions: input.actions as object,
        cooldownSeconds: input.cooldownSeconds ?? DEFAULT_COOLDOWN,
        createdById: actor.userId ?? null,
        actingUserId: actor.userId ?? null,
      },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'rule.create',
    resourceKind: 'rule',
    resourceId: rule.id,
    details: { name: rule.name },
  });
  return getRule(db, actor.organizationId, rule.id);
}

export async function updateRule(
  db: Database,
  actor: OrgActor,
  id: string,
  input: UpdateRuleRequest,
): Promise<RuleView> {
  const rule = await repos(db).rules.getInOrg(actor.organizationId, id);
  const merged = {
    target: input.target ?? (rule.target as RuleTarget),
    condition: input.condition ?? (rule.condition as RuleCondition),
    actions: input.actions ?? (rule.actions as RuleAction[]),
  };
  await checkRule(db, actor.organizationId, merged);
  try {
    await db.prisma.$transaction(async (tx) => {
      await tx.rule.update({
        where: { id: rule.id },
        data: {
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          ...(input.cooldownSeconds !== undefined ? { cooldownSeconds: input.cooldownSeconds } : {}),
          // Whoever changes a rule answers for what it does: it acts with their rights from now on.
          actingUserId: actor.userId ?? null,
          ...(input.enabled ? { disabledReason: null } : {}),
          target: merged.target as object,
          condition: merged.condition as object,
          actions: merged.actions as object,
        },
      });
      // A rule turned off watches nothing: what it had open is closed, without notices.
      if (input.enabled === false && rule.enabled) {
        await tx.$executeRaw`UPDATE incidents SET status = 'resolved', resolved_at = now(),
          timeline = timeline || jsonb_build_array(jsonb_build_object('at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'kind', 'resolved', 'message', ${`Closed: the rule was turned off by ${actor.label}.`}::text))
          WHERE rule_id = ${rule.id}::uuid AND status = 'open'`;
      }
      // A new condition starts counting afresh.
      if (input.condition || input.target)
        await tx.ruleState.updateMany({ where: { ruleId: rule.id }, data: { consecutive: 0 } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? '');
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'rule.update',
    resourceKind: 'rule',
    resourceId: rule.id,
    details: { name: input.name ?? rule.name, changed: Object.keys(input) },
  });
  return getRule(db, actor.organizationId, rule.id);
}

export async function deleteRule(db: Database, actor: OrgActor, id: string): Promise<void> {
  const rule = await repos(db).rules.getInOrg(actor.organizationId, id);
  await db.prisma.rule.delete({ where: { id: rule.id } });
  await recordAudit(db, actor, {
    action: 'rule.delete',
    resourceKind: 'rule',
    resourceId: rule.id,
    details: { name: rule.name },
  });
}
