import type { PrismaClientInstance } from '../client';
import type { Prisma } from '../generated/prisma/client.ts';
import { type Missing, orgScoped } from './scope';

/** What a team is read with: its members (who they are) and its policies in order. */
export const teamDetail = {
  members: { include: { user: { select: { id: true, email: true, name: true } } } },
  policies: { orderBy: { createdAt: 'asc' as const } },
};

export type TeamWithMembers = Prisma.TeamGetPayload<{ include: typeof teamDetail }>;

/** Teams, read with their members and policies, always within one organization. */
export function teamsRepository(prisma: PrismaClientInstance, missing: Missing) {
  const withDetail = {
    findFirst: (args: { where: { id: string; organizationId: string } }) =>
      prisma.team.findFirst({ ...args, include: teamDetail }),
  };
  return {
    ...orgScoped<TeamWithMembers>(withDetail, 'Team', missing),
    listInOrg: (organizationId: string) =>
      prisma.team.findMany({
        where: { organizationId },
        include: teamDetail,
        orderBy: { name: 'asc' },
      }),
  };
}
