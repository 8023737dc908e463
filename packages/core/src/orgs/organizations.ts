import type { OrganizationList } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type Actor, recordAudit } from '../audit';
import { DomainError } from '../errors';

/** The organizations a user belongs to, with their role in each, oldest membership first. */
export async function listOrganizations(db: Database, userId: string): Promise<OrganizationList> {
  const rows = await db.prisma.membership.findMany({
    where: { userId },
    include: { organization: true },
    orderBy: { createdAt: 'asc' },
  });
  return {
    items: rows.map((m) => ({
      id: m.organization.id,
      name: m.organization.name,
      slug: m.organization.slug,
      role: m.role,
    })),
  };
}

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'org';

/** A new organization owned by the user who creates it. */
export async function createOrganization(
  db: Database,
  actor: Actor & { userId: string },
  name: string,
): Promise<{ id: string; name: string; slug: string }> {
  const trimmed = name.trim();
  if (!trimmed) throw new DomainError('invalid', 'invalid_name', 'Give the organization a name.');
  const org = await db.prisma.$transaction(async (tx) => {
    const created = await tx.organization.create({
      data: { name: trimmed, slug: `${slugify(trimmed)}-${Date.now().toString(36)}` },
    });
    await tx.membership.create({ data: { organizationId: created.id, userId: actor.userId, role: 'owner' } });
    return created;
  });
  await recordAudit(
    db,
    { ...actor, organizationId: org.id },
    {
      action: 'organization.create',
      resourceKind: 'organization',
      resourceId: org.id,
      details: { name: trimmed },
    },
  );
  return { id: org.id, name: org.name, slug: org.slug };
}

/** Moves a browser session to another organization the user belongs to. */
export async function switchOrganization(
  db: Database,
  actor: Actor & { userId: string; organizationId: string },
  sessionId: string,
  organizationId: string,
): Promise<void> {
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId: actor.userId } },
  });
  if (!membership) {
    throw new DomainError(
      'not_found',
      'organization_not_found',
      'You are not a member of that organization.',
    );
  }
  await db.prisma.session.update({ where: { id: sessionId }, data: { organizationId } });
  await recordAudit(
    db,
    { ...actor, organizationId },
    {
      action: 'auth.switch_organization',
      resourceKind: 'organization',
      resourceId: organizationId,
      details: { from: actor.organizationId },
    },
  );
}
