import type { PrismaClientInstance } from '../client';
import type { GovernanceLimits, Prisma } from '../generated/prisma/client.ts';
import { type Missing, orgScoped } from './scope';

export type LimitsColumns = Omit<
  Prisma.GovernanceLimitsUncheckedCreateInput,
  'id' | 'organizationId' | 'teamId' | 'updatedAt'
>;

/** Quotas and constraints of an organization (teamId null) and of its teams. */
export function governanceRepository(prisma: PrismaClientInstance, missing: Missing) {
  return {
    ...orgScoped<GovernanceLimits>(prisma.governanceLimits, 'Limits', missing),
    /** The organization's own row and those of the given teams (the ones that have any). */
    forScopes: (organizationId: string, teamIds: string[]) =>
      prisma.governanceLimits.findMany({
        where: { organizationId, OR: [{ teamId: null }, { teamId: { in: teamIds } }] },
      }),
    listInOrg: (organizationId: string) => prisma.governanceLimits.findMany({ where: { organizationId } }),
    /**
     * Sets one scope's row. The organization's row has a null team, which a unique index does not
     * hold to one row, so callers serialize writes (the governance lock).
     */
    async set(organizationId: string, teamId: string | null, data: LimitsColumns): Promise<GovernanceLimits> {
      const row = await prisma.governanceLimits.findFirst({ where: { organizationId, teamId } });
      return row
        ? prisma.governanceLimits.update({ where: { id: row.id }, data })
        : prisma.governanceLimits.create({ data: { ...data, organizationId, teamId } });
    },
  };
}
