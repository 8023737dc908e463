import type {
  CreateTemplateRequest,
  GitPin,
  TemplateDocument,
  TemplateVersion as TemplateVersionView,
  Template as TemplateView,
  UpdateTemplateRequest,
} from '@overcast/contracts';
import { type Database, isUniqueViolation, type Template, type TemplateVersion } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { allowedIds, type Principal } from '../authz';
import { mayWriteAnsible } from '../automation/ansible/author';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import type { AnnounceRuntime } from '../runtime';
import { announceTemplate } from './events';
import { parseTemplate } from './template-parse';

const nameTaken = (name: string) =>
  new DomainError('conflict', 'name_taken', `A template named "${name}" already exists; pick another name.`);

/** The parsed document of a source, or a 400 that lists the first problems with their lines. */
export function documentOf(
  source: string,
  /** The input at fault; null when the source is no input of the request (read from Git). */
  field: string | null = 'body.source',
  advice = 'Fix them and save again.',
): TemplateDocument {
  const parsed = parseTemplate(source);
  if (parsed.ok) return parsed.document;
  const listed = parsed.problems
    .slice(0, 5)
    .map((p) => `line ${p.line} (${p.field}): ${p.message}`)
    .join('; ');
  const more = parsed.problems.length > 5 ? ` and ${parsed.problems.length - 5} more` : '';
  throw new DomainError(
    'invalid',
    'invalid_template',
    `The template has problems: ${listed}${more}. ${advice}`,
    field ?? undefined,
  );
}

/**
 * A template whose steps include a playbook is saved only by those who may write ansible scripts:
 * deploying it runs that playbook on the worker, whoever deploys.
 */
export async function mayWriteTemplate(db: Database, actor: OrgActor, doc: TemplateDocument): Promise<void> {
  const playbooks = Object.entries(doc.steps ?? {}).filter(([, s]) => s.kind === 'ansible');
  if (playbooks.length)
    await mayWriteAnsible(
      db,
      actor,
      `a template with an ansible step (${playbooks.map(([name]) => `steps.${name}`).join(', ')})`,
    );
}

/** The inputs a source declares (none when it does not parse: stored sources always did). */
function inputsOf(source: string): TemplateDocument['inputs'] & object {
  const parsed = parseTemplate(source);
  return (parsed.ok ? parsed.document.inputs : undefined) ?? {};
}

type VersionShown = Pick<TemplateVersion, 'source' | 'createdByLabel' | 'gitUrl' | 'gitCommit' | 'gitPath'>;

/** Where a version's source was read, for one imported from Git. */
const pinOf = (v: Pick<TemplateVersion, 'gitUrl' | 'gitCommit' | 'gitPath'>): GitPin | null =>
  v.gitUrl && v.gitCommit && v.gitPath ? { url: v.gitUrl, commit: v.gitCommit, path: v.gitPath } : null;

function templateView(t: Template, current: VersionShown): TemplateView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    version: t.currentVersion,
    source: current.source,
    inputs: inputsOf(current.source),
    changedBy: current.createdByLabel,
    git:
      t.gitUrl && t.gitPath
        ? {
            url: t.gitUrl,
            ref: t.gitRef,
            path: t.gitPath,
            commit: current.gitCommit ?? '',
            hasToken: t.gitToken !== null,
          }
        : null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** A template and the source of one of its versions (the current one by default). */
export async function loadTemplateVersion(
  db: Database,
  organizationId: string,
  id: string,
  version?: number,
): Promise<{ template: Template; source: string; version: number; createdBy: string; row: TemplateVersion }> {
  const template = await repos(db).templates.getInOrg(organizationId, id);
  const wanted = version ?? template.currentVersion;
  const row = await db.prisma.templateVersion.findUnique({
    where: { templateId_version: { templateId: id, version: wanted } },
  });
  if (!row)
    throw new DomainError(
      'not_found',
      'template_version_not_found',
      `${template.name} has no version ${wanted}; it is at version ${template.currentVersion}.`,
    );
  return { template, source: row.source, version: wanted, createdBy: row.createdByLabel, row };
}

export async function getTemplate(db: Database, organizationId: string, id: string): Promise<TemplateView> {
  const { template, row } = await loadTemplateVersion(db, organizationId, id);
  return templateView(template, row);
}

export async function listTemplates(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<TemplateView[]> {
  const only = caller ? await allowedIds(db, organizationId, caller, 'templates') : null;
  const templates = await db.prisma.template.findMany({
    where: { organizationId, ...(only ? { id: { in: only } } : {}) },
    orderBy: { name: 'asc' },
  });
  if (templates.length === 0) return [];
  const versions = await db.prisma.templateVersion.findMany({
    where: { OR: templates.map((t) => ({ templateId: t.id, version: t.currentVersion })) },
  });
  const current = new Map(versions.map((v) => [v.templateId, v]));
  const none: VersionShown = { source: '', createdByLabel: '', gitUrl: null, gitCommit: null, gitPath: null };
  return templates.map((t) => templateView(t, current.get(t.id) ?? none));
}

export async function createTemplate(
  runtime: AnnounceRuntime,
  actor: OrgActor,
  req: CreateTemplateRequest,
): Promise<TemplateView> {
  const { db } = runtime;
  const doc = documentOf(req.source);
  const id = await insertTemplate(db, actor, { name: req.name, source: req.source, doc });
  await recordAudit(db, actor, {
    action: 'template.create',
    resourceKind: 'template',
    resourceId: id,
    details: { name: req.name },
  });
  await announceTemplate(runtime.redis, actor.organizationId, id, 'created');
  return getTemplate(db, actor.organizationId, id);
}

/** A template's first version, as written or as read from Git; its id. */
export async function insertTemplate(
  db: Database,
  actor: OrgActor,
  input: {
    id?: string;
    name: string;
    source: string;
    doc: TemplateDocument;
    /** What an imported template follows (repository, ref, path, sealed token). */
    git?: Pick<Template, 'gitUrl' | 'gitRef' | 'gitPath' | 'gitToken'>;
    pin?: GitPin;
  },
): Promise<string> {
  await mayWriteTemplate(db, actor, input.doc);
  try {
    return await db.prisma.$transaction(async (tx) => {
      const t = await tx.template.create({
        data: {
          ...(input.id ? { id: input.id } : {}),
          organizationId: actor.organizationId,
          name: input.name,
          description: input.doc.description ?? '',
          createdById: actor.userId ?? null,
          ...input.git,
        },
      });
      await tx.templateVersion.create({
        data: {
          templateId: t.id,
          version: 1,
          source: input.source,
          createdByLabel: actor.label,
          ...pinColumns(input.pin),
        },
      });
      return t.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

export const pinColumns = (pin?: GitPin) =>
  pin ? { gitUrl: pin.url, gitCommit: pin.commit, gitPath: pin.path } : {};

/** A new source makes a new version (the old ones stay, stacks keep theirs); a name changes in place. */
export async function updateTemplate(
  runtime: AnnounceRuntime,
  actor: OrgActor,
  id: string,
  req: UpdateTemplateRequest,
): Promise<TemplateView> {
  const { db } = runtime;
  const before = await loadTemplateVersion(db, actor.organizationId, id);
  const changed = req.source !== undefined && req.source !== before.source;
  if (changed && before.template.gitUrl)
    throw new DomainError(
      'conflict',
      'template_from_git',
      `${before.template.name} is imported from ${before.template.gitUrl}; change ${before.template.gitPath} there, then update it from Git.`,
      'body.source',
    );
  const doc = changed ? documentOf(req.source!) : null;
  if (doc) await mayWriteTemplate(db, actor, doc);
  const version = changed ? before.version + 1 : before.version;
  const name = req.name ?? before.template.name;
  try {
    await db.prisma.$transaction(async (tx) => {
      if (changed)
        await tx.templateVersion.create({
          data: { templateId: id, version, source: req.source!, createdByLabel: actor.label },
        });
      await tx.template.update({
        where: { id },
        data: {
          name,
          currentVersion: version,
          ...(doc ? { description: doc.description ?? '' } : {}),
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'template.update',
    resourceKind: 'template',
    resourceId: id,
    details: { name, from: before.version, to: version },
  });
  if (changed) await announceTemplate(runtime.redis, actor.organizationId, id, 'version');
  else if (name !== before.template.name)
    await announceTemplate(runtime.redis, actor.organizationId, id, 'renamed');
  return getTemplate(db, actor.organizationId, id);
}

/** Deletes a template and its versions; stacks deployed from it keep their copy of the document. */
export async function deleteTemplate(runtime: AnnounceRuntime, actor: OrgActor, id: string): Promise<void> {
  const { db } = runtime;
  const template = await repos(db).templates.getInOrg(actor.organizationId, id);
  await db.prisma.template.delete({ where: { id } });
  await recordAudit(db, actor, {
    action: 'template.delete',
    resourceKind: 'template',
    resourceId: id,
    details: { name: template.name },
  });
  await announceTemplate(runtime.redis, actor.organizationId, id, 'deleted');
}

export async function listTemplateVersions(
  db: Database,
  organizationId: string,
  id: string,
): Promise<TemplateVersionView[]> {
  await repos(db).templates.getInOrg(organizationId, id);
  const versions = await db.prisma.templateVersion.findMany({
    where: { templateId: id },
    orderBy: { version: 'desc' },
  });
  return versions.map((v) => ({
    version: v.version,
    source: v.source,
    inputs: inputsOf(v.source),
    createdBy: v.createdByLabel,
    git: pinOf(v),
    createdAt: v.createdAt.toISOString(),
  }));
}
