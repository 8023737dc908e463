import type {
  CatalogEstimate,
  CatalogItem as CatalogItemView,
  PublishCatalogItemRequest,
  TemplateDocument,
} from '@overcast/contracts';
import { type CatalogItem, type Database, isUniqueViolation, type Role } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError, notFound } from '../errors';
import { budgetLines, type Creation, evaluateCreations, fromCents, goesToApproval } from '../governance';
import { repos } from '../repositories';
import type { AnnounceRuntime } from '../runtime';
import { cloudNamed } from './clouds';
import { containerCreationOf, creationOf } from './deploy';
import { announceTemplate } from './events';
import { resolveInputs } from './inputs';
import { stackSpecs } from './specs';
import { documentOf, loadTemplateVersion } from './templates';

/** Who reads the catalog: admins see every item, others only those published to their teams. */
export interface CatalogReader {
  organizationId: string;
  userId: string;
  role: Role;
}

const seesAll = (r: CatalogReader) => r.role === 'owner' || r.role === 'admin';

async function teamIdsOf(db: Database, reader: CatalogReader): Promise<string[]> {
  const rows = await db.prisma.teamMember.findMany({
    where: { userId: reader.userId, organizationId: reader.organizationId },
    select: { teamId: true },
  });
  return rows.map((r) => r.teamId);
}

/** The item, if the reader may see it; another team's item is a 404 like a missing one. */
export async function visibleCatalogItem(
  db: Database,
  reader: CatalogReader,
  id: string,
): Promise<CatalogItem> {
  const item = await repos(db).catalogItems.getInOrg(reader.organizationId, id);
  if (seesAll(reader)) return item;
  const mine = await teamIdsOf(db, reader);
  if (!item.teamIds.some((t) => mine.includes(t))) throw notFound('Catalog item');
  return item;
}

async function documentOfItem(db: Database, item: CatalogItem): Promise<TemplateDocument> {
  const { source } = await loadTemplateVersion(
    db,
    item.organizationId,
    item.templateId,
    item.templateVersion,
  );
  return documentOf(source, 'body.inputs');
}

async function itemView(db: Database, item: CatalogItem): Promise<CatalogItemView> {
  const [doc, teams] = await Promise.all([
    documentOfItem(db, item),
    db.prisma.team.findMany({
      where: { organizationId: item.organizationId, id: { in: item.teamIds } },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    }),
  ]);
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    templateId: item.templateId,
    templateVersion: item.templateVersion,
    teams,
    inputs: doc.inputs ?? {},
    machines: Object.values(doc.resources.machines ?? {}).reduce((n, m) => n + (m.count ?? 1), 0),
    publishedBy: item.publishedByLabel,
    createdAt: item.createdAt.toISOString(),
  };
}

export async function listCatalog(db: Database, reader: CatalogReader): Promise<CatalogItemView[]> {
  const where = seesAll(reader)
    ? { organizationId: reader.organizationId }
    : { organizationId: reader.organizationId, teamIds: { hasSome: await teamIdsOf(db, reader) } };
  const items = await db.prisma.catalogItem.findMany({ where, orderBy: { name: 'asc' } });
  return Promise.all(items.map((i) => itemView(db, i)));
}

export async function getCatalogItem(
  db: Database,
  reader: CatalogReader,
  id: string,
): Promise<CatalogItemView> {
  return itemView(db, await visibleCatalogItem(db, reader, id));
}

/** Publishes a template version to teams; the version must exist and parse, the teams be the organization's. */
export async function publishCatalogItem(
  runtime: AnnounceRuntime,
  actor: OrgActor,
  req: PublishCatalogItemRequest,
): Promise<CatalogItemView> {
  const { db } = runtime;
  const { version, source } = await loadTemplateVersion(
    db,
    actor.organizationId,
    req.templateId,
    req.version,
  );
  documentOf(source, 'body.version');
  const teamIds = [...new Set(req.teamIds)];
  const teams = await db.prisma.team.findMany({
    where: { organizationId: actor.organizationId, id: { in: teamIds } },
    select: { id: true },
  });
  if (teams.length !== teamIds.length) throw notFound('Team');
  const name = req.name.trim();
  if (!name)
    throw new DomainError('invalid', 'validation_failed', 'Give the catalog item a name.', 'body.name');
  let item: CatalogItem;
  try {
    item = await db.prisma.catalogItem.create({
      data: {
        organizationId: actor.organizationId,
        templateId: req.templateId,
        templateVersion: version,
        name,
        description: req.description ?? '',
        teamIds,
        publishedByLabel: actor.label,
      },
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new DomainError(
        'conflict',
        'name_taken',
        `The catalog already has an item named "${name}"; pick another name.`,
        'body.name',
      );
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'catalog.publish',
    resourceKind: 'template',
    resourceId: req.templateId,
    details: { name, version, teamIds },
  });
  await announceTemplate(runtime.redis, actor.organizationId, req.templateId, 'published');
  return itemView(db, item);
}

export async function unpublishCatalogItem(
  runtime: AnnounceRuntime,
  actor: OrgActor,
  id: string,
): Promise<void> {
  const { db } = runtime;
  const item = await repos(db).catalogItems.getInOrg(actor.organizationId, id);
  await db.prisma.catalogItem.delete({ where: { id: item.id } });
  await recordAudit(db, actor, {
    action: 'catalog.unpublish',
    resourceKind: 'template',
    resourceId: item.templateId,
    details: { name: item.name, version: item.templateVersion },
  });
  await announceTemplate(runtime.redis, actor.organizationId, item.templateId, 'unpublished');
}

/**
 * What a deploy from the catalog would cost each month and leave of each budget, and the
 * refusal it would meet now (or that it would go to an admin for approval).
 */
export async function estimateCatalogDeploy(
  db: Database,
  reader: CatalogReader & { label?: string },
  id: string,
  inputs: Record<string, unknown> | undefined,
): Promise<CatalogEstimate> {
  const item = await visibleCatalogItem(db, reader, id);
  const doc = await documentOfItem(db, item);
  const values = resolveInputs(doc, inputs);
  const specs = stackSpecs(doc, values, { id: '00000000-0000-0000-0000-000000000000', name: 'estimate' });
  const creations: Creation[] = [];
  const cloud = (ref: string, what: string) => cloudNamed(db, reader.organizationId, ref, what);
  for (const spec of specs.machines)
    creations.push(creationOf(spec, await cloud(spec.cloud, `machine ${spec.resource}`)));
  // Containers count as machines, and are held to the clouds and images allowed.
  for (const spec of specs.containers)
    creations.push(containerCreationOf(spec, await cloud(spec.cloud, `container ${spec.resource}`)));
  const actor = { organizationId: reader.organizationId, userId: reader.userId, label: reader.label ?? '' };
  const verdict = await evaluateCreations(db, db.pool, actor, creations, { subject: 'this stack' });
  const known = verdict.estimates.every((e) => e.cents !== null);
  const adding = verdict.estimates.reduce(
    (sum, e, i) => sum + (e.cents ?? 0) * (creations[i]?.count ?? 1),
    0,
  );
  return {
    monthly: known ? fromCents(adding) : null,
    machines: creations.length,
    budgets: budgetLines(verdict.scopes, adding),
    refusal: verdict.refusal?.message ?? null,
    needsApproval: goesToApproval(verdict),
  };
}
