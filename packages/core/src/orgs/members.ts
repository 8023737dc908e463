import type { Member } from '@overcast/contracts';
import type { Database, Role } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError, notFound } from '../errors';

export async function listMembers(db: Database, organizationId: string): Promise<Member[]> {
  const rows = await db.prisma.membership.findMany({
    where: { organizationId },
    include: {
      user: {
        include: { teamMembers: { where: { organizationId }, include: { team: true } } },
      },
    },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    teams: m.user.teamMembers.map((t) => ({ id: t.team.id, name: t.team.name })),
    totpEnabled: m.user.totpEnabled,
    joinedAt: m.createdAt.toISOString(),
    lastLoginAt: m.user.lastLoginAt?.toISOString() ?? null,
  }));
}

const lastOwner = () =>
  new DomainError(
    'conflict',
    'last_owner',
    'An organization needs at least one owner; make someone else an owner first.',
  );

/**
 * Changes a member's role. Only owners grant or take away the owner role, and the last owner stays.
 * The row is locked so two owners demoting each other at once cannot leave none.
 */
export async function setMemberRole(
  db: Database,
  actor: OrgActor & { role: Role },
  userId: string,
  role: Role,
): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM memberships WHERE organization_id = ${actor.organizationId}::uuid FOR UPDATE`;
    const m = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: actor.organizationId, userId } },
    });
    if (!m) throw notFound('Member');
    if ((m.role === 'owner' || role === 'owner') && actor.role !== 'owner') {
      throw new DomainError('forbidden', 'forbidden', 'Only owners can make or unmake owners.');
    }
    if (m.role === 'owner' && role !== 'owner') {
      const owners = await tx.membership.count({
        where: { organizationId: actor.organizationId, role: 'owner' },
      });
      if (owners <= 1) throw lastOwner();
    }
    await tx.membership.update({ where: { id: m.id }, data: { role } });
  });
  await recordAudit(db, actor, {
    action: 'member.role',
    resourceKind: 'user',
    resourceId: userId,
    details: { role },
  });
}

/** Removes a member: their teams in the organization go too; their sessions and tokens stop working. */
export async function removeMember(
  db: Database,
  actor: OrgActor & { role: Role },
  userId: string,
): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM memberships WHERE organization_id = ${actor.organizationId}::uuid FOR UPDATE`;
    const m = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: actor.organizationId, userId } },
    });
    if (!m) throw notFound('Member');
    if (m.role === 'owner') {
      if (actor.role !== 'owner')
        throw new DomainError('forbidden', 'forbidden', 'Only owners can remove owners.');
      const owners = await tx.membership.count({
        where: { organizationId: actor.organizationId, role: 'owner' },
      });
      if (owners <= 1) throw lastOwner();
    }
    await tx.teamMember.deleteMany({ where: { organizationId: actor.organizationId, userId } });
    await tx.session.updateMany({
      where: { organizationId: actor.organizationId, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await tx.apiToken.updateMany({
      where: { organizationId: actor.organizationId, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await tx.membership.delete({ where: { id: m.id } });
  });
  await recordAudit(db, actor, { action: 'member.remove', resourceKind: 'user', resourceId: userId });
}
