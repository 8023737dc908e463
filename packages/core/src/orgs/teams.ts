import type { Team, TeamPolicyInput } from '@overcast/contracts';
import { type Database, isUniqueViolation, type TeamWithMembers, teamDetail } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError, notFound } from '../errors';
import { repos } from '../repositories';

const teamView = (t: TeamWithMembers): Team => ({
  id: t.id,
  name: t.name,
  description: t.description,
  members: t.members.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name })),
  policies: t.policies.map((p) => ({
    id: p.id,
    effect: p.effect === 'deny' ? 'deny' : 'allow',
    action: p.action,
    kind: p.resourceKind,
    cloudIds: p.cloudIds,
    tags: (p.tags ?? {}) as Record<string, string>,
  })),
  createdAt: t.createdAt.toISOString(),
});

export async function listTeams(db: Database, organizationId: string): Promise<Team[]> {
  return (await repos(db).teams.listInOrg(organizationId)).map(teamView);
}

export async function getTeam(db: Database, organizationId: string, id: string): Promise<Team> {
  return teamView(await repos(db).teams.getInOrg(organizationId, id));
}

const nameTaken = (name: string) =>
  new DomainError(
    'conflict',
    'team_name_taken',
    `A team named "${name}" already exists; choose another name.`,
  );

export async function createTeam(
  db: Database,
  actor: OrgActor,
  input: { name: string; description?: string },
): Promise<Team> {
  const name = input.name.trim();
  if (!name) throw new DomainError('invalid', 'invalid_name', 'Give the team a name.');
  try {
    const team = await db.prisma.team.create({
      data: { organizationId: actor.organizationId, name, description: input.description ?? '' },
      include: teamDetail,
    });
    await recordAudit(db, actor, {
      action: 'team.create',
      resourceKind: 'team',
      resourceId: team.id,
      details: { name },
    });
    return teamView(team);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

export async function updateTeam(
  db: Database,
  actor: OrgActor,
  id: string,
  input: { name?: string; description?: string },
): Promise<Team> {
  await getTeam(db, actor.organizationId, id);
  const name = input.name?.trim();
  if (name === '') throw new DomainError('invalid', 'invalid_name', 'Give the team a name.');
  try {
    await db.prisma.team.update({ where: { id }, data: { name, description: input.description } });
  } catch (err) {
    if (isUniqueViolation(err) && name) throw nameTaken(name);
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'team.update',
    resourceKind: 'team',
    resourceId: id,
    details: input,
  });
  return getTeam(db, actor.organizationId, id);
}

export async function deleteTeam(db: Database, actor: OrgActor, id: string): Promise<void> {
  const { count } = await db.prisma.team.deleteMany({ where: { id, organizationId: actor.organizationId } });
  if (count === 0) throw notFound('Team');
  await recordAudit(db, actor, { action: 'team.delete', resourceKind: 'team', resourceId: id });
}

/** Replaces the team's members; every one must be a member of the organization. */
export async function setTeamMembers(
  db: Database,
  actor: OrgActor,
  id: string,
  userIds: string[],
): Promise<Team> {
  await getTeam(db, actor.organizationId, id);
  const unique = [...new Set(userIds)];
  const members = await db.prisma.membership.findMany({
    where: { organizationId: actor.organizationId, userId: { in: unique } },
    select: { userId: true },
  });
  if (members.length !== unique.length) {
    throw new DomainError('invalid', 'not_a_member', 'Only members of the organization can join its teams.');
  }
  await db.prisma.$transaction([
    db.prisma.teamMember.deleteMany({ where: { teamId: id } }),
    db.prisma.teamMember.createMany({
      data: unique.map((userId) => ({ teamId: id, userId, organizationId: actor.organizationId })),
    }),
  ]);
  await recordAudit(db, actor, {
    action: 'team.members',
    resourceKind: 'team',
    resourceId: id,
    details: { userIds: unique },
  });
  return getTeam(db, actor.organizationId, id);
}

/** Replaces the team's policies; clouds they name must be the organization's. */
export async function setTeamPolicies(
  db: Database,
  actor: OrgActor,
  id: string,
  policies: TeamPolicyInput[],
): Promise<Team> {
  await getTeam(db, actor.organizationId, id);
  const cloudIds = [...new Set(policies.flatMap((p) => p.cloudIds ?? []))];
  if (cloudIds.length > 0) {
    const found = await db.prisma.cloud.count({
      where: { organizationId: actor.organizationId, id: { in: cloudIds } },
    });
    if (found !== cloudIds.length) throw notFound('Cloud');
  }
  await db.prisma.$transaction([
    db.prisma.teamPolicy.deleteMany({ where: { teamId: id } }),
    db.prisma.teamPolicy.createMany({
      data: policies.map((p) => ({
        organizationId: actor.organizationId,
        teamId: id,
        effect: p.effect,
        action: p.action,
        resourceKind: p.kind,
        cloudIds: p.cloudIds ?? [],
        tags: p.tags ?? {},
      })),
    }),
  ]);
  await recordAudit(db, actor, {
    action: 'team.policies',
    resourceKind: 'team',
    resourceId: id,
    details: { policies },
  });
  return getTeam(db, actor.organizationId, id);
}
