import type { Limits, LimitsInput, ScopeLimits } from '@overcast/contracts';
import type { Database, GovernanceLimits, LimitsColumns } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import { withGovernanceLock } from './lock';
import { fromCents, toCents } from './money';
import { scopeUsage } from './usage';

export const NO_LIMITS: Limits = {
  maxMachines: null,
  maxVcpus: null,
  monthlyBudget: null,
  allowedCloudIds: [],
  allowedLocations: [],
  allowedSizes: [],
  allowedImages: [],
  requiredTags: {},
  maxLifetimeHours: null,
  overBudget: 'refuse',
};

export function limitsView(row: GovernanceLimits | null | undefined): Limits {
  if (!row) return NO_LIMITS;
  return {
    maxMachines: row.maxMachines,
    maxVcpus: row.maxVcpus,
    monthlyBudget: row.monthlyBudget === null ? null : Number(row.monthlyBudget).toFixed(2),
    allowedCloudIds: row.allowedCloudIds,
    allowedLocations: row.allowedLocations,
    allowedSizes: row.allowedSizes,
    allowedImages: row.allowedImages,
    requiredTags: (row.requiredTags ?? {}) as Record<string, string[]>,
    maxLifetimeHours: row.maxLifetimeHours,
    overBudget: row.overBudget === 'approval' ? 'approval' : 'refuse',
  };
}

/**
 * The organization's limits and every team's, with what each uses now: everyone in the
 * organization may read them (the team page and the create form show them).
 */
export async function listLimits(db: Database, organizationId: string): Promise<ScopeLimits[]> {
  const [rows, teams] = await Promise.all([
    repos(db).governanceLimits.listInOrg(organizationId),
    db.prisma.team.findMany({
      where: { organizationId },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
  ]);
  const rowOf = (teamId: string | null) => rows.find((r) => r.teamId === teamId) ?? null;
  const scopes = [
    { teamId: null, name: 'The organization' },
    ...teams.map((t) => ({ teamId: t.id, name: t.name })),
  ];
  return Promise.all(
    scopes.map(async ({ teamId, name }) => {
      const row = rowOf(teamId);
      const usage = await scopeUsage(db.pool, organizationId, teamId);
      return {
        scope: teamId ? ('team' as const) : ('organization' as const),
        teamId,
        name,
        limits: limitsView(row),
        usage: { machines: usage.machines, vcpus: usage.vcpus, monthly: fromCents(usage.monthlyCents) },
        updatedAt: row?.updatedAt.toISOString() ?? null,
      };
    }),
  );
}

function columnsOf(input: LimitsInput): LimitsColumns {
  const list = (values: string[] | undefined) => [
    ...new Set((values ?? []).map((v) => v.trim()).filter(Boolean)),
  ];
  return {
    maxMachines: input.maxMachines ?? null,
    maxVcpus: input.maxVcpus ?? null,
    monthlyBudget: input.monthlyBudget == null ? null : fromCents(toCents(input.monthlyBudget)),
    allowedCloudIds: list(input.allowedCloudIds),
    allowedLocations: list(input.allowedLocations),
    allowedSizes: list(input.allowedSizes),
    allowedImages: list(input.allowedImages),
    requiredTags: Object.fromEntries(
      Object.entries(input.requiredTags ?? {}).map(([key, values]) => [key.trim(), list(values)]),
    ),
    maxLifetimeHours: input.maxLifetimeHours ?? null,
    overBudget: input.overBudget ?? 'refuse',
  };
}

/**
 * Replaces the limits of the organization (`teamId` null) or of one of its teams. Clouds named
 * must be the organization's own, so a typo is a 400 rather than a limit nothing can meet.
 */
export async function setLimits(
  db: Database,
  actor: OrgActor,
  teamId: string | null,
  input: LimitsInput,
): Promise<ScopeLimits> {
  const team = teamId ? await repos(db).teams.getInOrg(actor.organizationId, teamId) : null;
  const columns = columnsOf(input);
  const cloudIds = columns.allowedCloudIds as string[];
  if (cloudIds.length) {
    const known = await db.prisma.cloud.findMany({
      where: { organizationId: actor.organizationId, id: { in: cloudIds } },
      select: { id: true },
    });
    const unknown = cloudIds.filter((id) => !known.some((c) => c.id === id));
    if (unknown.length)
      throw new DomainError(
        'invalid',
        'unknown_cloud',
        `No cloud of this organization has the id ${unknown[0]}; choose among your clouds.`,
        'body.allowedCloudIds',
      );
  }
  const invalidTag = Object.keys(columns.requiredTags as object).find((k) => !k || k.includes('='));
  if (invalidTag !== undefined)
    throw new DomainError(
      'invalid',
      'invalid_input',
      'A required tag key is empty or holds "="; name it as the key of key=value.',
      'body.requiredTags',
    );
  await withGovernanceLock(db, actor.organizationId, () =>
    repos(db).governanceLimits.set(actor.organizationId, teamId, columns),
  );
  await recordAudit(db, actor, {
    action: 'limits.update',
    resourceKind: team ? 'team' : 'organization',
    resourceId: team ? team.id : actor.organizationId,
    details: { scope: team ? team.name : 'organization', ...input },
  });
  const scopes = await listLimits(db, actor.organizationId);
  return scopes.find((s) => s.teamId === teamId) as ScopeLimits;
}
