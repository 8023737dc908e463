import { randomUUID } from 'node:crypto';
import type {
  ImportTemplateRequest,
  TemplateGitUpdate,
  Template as TemplateView,
  UpdateTemplateFromGitRequest,
} from '@overcast/contracts';
import { isUniqueViolation } from '@overcast/db';
import type { SecretBox } from '@overcast/runtime';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError } from '../errors';
import { outboundRules } from '../outbound';
import type { AnnounceRuntime, CloudRuntime } from '../runtime';
import { announceTemplate } from './events';
import { type GitFile, readGitFile } from './git-source';
import {
  documentOf,
  getTemplate,
  insertTemplate,
  loadTemplateVersion,
  mayWriteTemplate,
  pinColumns,
} from './templates';

// Templates imported from a Git repository: read-only here, each version pinned to the commit
// it was read at; "update from Git" reads the ref again and makes a version when the commit moved.

/** The token is bound to its template: a sealed value copied onto another row does not open. */
const tokenAad = (templateId: string) => `template:${templateId}:git-token`;
const sealToken = (box: SecretBox, templateId: string, token: string) =>
  new Uint8Array(box.seal(token, tokenAad(templateId)));

/** The document read from Git, or a 400 naming the commit and the lines to fix. */
function documentFromGit(read: GitFile, path: string, field: string | null) {
  return documentOf(
    read.source,
    field,
    `(${path} at commit ${read.commit.slice(0, 12)}.) Fix them in the repository, then import or update again.`,
  );
}

/** An update's body holds only the token: a problem with the stored URL, ref or path names no field. */
function storedInput(err: unknown): unknown {
  if (!(err instanceof DomainError) || !err.field || err.field === 'body.token') return err;
  return new DomainError(err.kind, err.code, err.message);
}

export async function importTemplateFromGit(
  runtime: CloudRuntime & AnnounceRuntime,
  actor: OrgActor,
  req: ImportTemplateRequest,
): Promise<TemplateView> {
  const read = await readGitFile(
    { url: req.url, ref: req.ref, path: req.path, token: req.token },
    outboundRules(runtime.settings),
  );
  const doc = documentFromGit(read, req.path, 'body.path');
  const id = randomUUID();
  await insertTemplate(runtime.db, actor, {
    id,
    name: req.name,
    source: read.source,
    doc,
    git: {
      gitUrl: req.url,
      gitRef: req.ref ?? null,
      gitPath: req.path,
      gitToken: req.token ? sealToken(runtime.box, id, req.token) : null,
    },
    pin: { url: req.url, commit: read.commit, path: req.path },
  });
  await recordAudit(runtime.db, actor, {
    action: 'template.import',
    resourceKind: 'template',
    resourceId: id,
    details: { name: req.name, url: req.url, ref: req.ref ?? 'HEAD', path: req.path, commit: read.commit },
  });
  await announceTemplate(runtime.redis, actor.organizationId, id, 'created');
  return getTemplate(runtime.db, actor.organizationId, id);
}

/**
 * Reads the template's ref again: a new version pinned to the new commit when it moved, nothing
 * when it did not. A token given replaces the stored one once it has read the repository.
 */
export async function updateTemplateFromGit(
  runtime: CloudRuntime & AnnounceRuntime,
  actor: OrgActor,
  id: string,
  req: UpdateTemplateFromGitRequest,
): Promise<TemplateGitUpdate> {
  const { db, box } = runtime;
  const before = await loadTemplateVersion(db, actor.organizationId, id);
  const { template } = before;
  if (!template.gitUrl || !template.gitPath)
    throw new DomainError(
      'conflict',
      'template_not_from_git',
      `${template.name} was not imported from Git; edit its source in Overcast instead.`,
    );
  const token =
    req.token ?? (template.gitToken ? box.open(template.gitToken, tokenAad(id)).toString('utf8') : null);
  const read = await readGitFile(
    { url: template.gitUrl, ref: template.gitRef, path: template.gitPath, token },
    outboundRules(runtime.settings),
  ).catch((err: unknown) => {
    throw storedInput(err);
  });
  const fromCommit = before.row.gitCommit ?? '';
  const changed = read.commit !== fromCommit;
  const doc = changed ? documentFromGit(read, template.gitPath, null) : null;
  if (doc) await mayWriteTemplate(db, actor, doc);
  const version = before.version + 1;
  try {
    await db.prisma.$transaction(async (tx) => {
      if (doc)
        await tx.templateVersion.create({
          data: {
            templateId: id,
            version,
            source: read.source,
            createdByLabel: actor.label,
            ...pinColumns({ url: template.gitUrl!, commit: read.commit, path: template.gitPath! }),
          },
        });
      if (doc || req.token)
        await tx.template.update({
          where: { id },
          data: {
            ...(doc ? { currentVersion: version, description: doc.description ?? '' } : {}),
            ...(req.token ? { gitToken: sealToken(box, id, req.token) } : {}),
          },
        });
    });
  } catch (err) {
    // Two updates at once: the second finds the version number taken.
    if (isUniqueViolation(err))
      throw new DomainError(
        'conflict',
        'template_changed_meanwhile',
        `${template.name} got a new version while this update ran; look at it, then update again if needed.`,
      );
    throw err;
  }
  if (doc) {
    await recordAudit(db, actor, {
      action: 'template.update',
      resourceKind: 'template',
      resourceId: id,
      details: { name: template.name, from: before.version, to: version, fromCommit, toCommit: read.commit },
    });
    await announceTemplate(runtime.redis, actor.organizationId, id, 'version');
  }
  return {
    changed,
    fromCommit,
    toCommit: read.commit,
    template: await getTemplate(db, actor.organizationId, id),
  };
}
