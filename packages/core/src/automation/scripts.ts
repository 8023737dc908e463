import type {
  CreateScriptRequest,
  ScriptParameter,
  ScriptVersion as ScriptVersionView,
  Script as ScriptView,
  UpdateScriptRequest,
} from '@overcast/contracts';
import { type Database, isUniqueViolation, type Prisma } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { allowedIds, type Principal } from '../authz';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import { mayWriteAnsible } from './ansible/author';
import { checkPlaybook, extraVarNameProblem, parseRequirements } from './ansible/playbook';

/** A shebang line: an executable script must say which interpreter runs it. */
const SHEBANG = /^#!\s*\/\S+/;

function checkBody(kind: string, body: string): void {
  if (body.includes('\0'))
    throw new DomainError('invalid', 'validation_failed', 'The script contains a NUL byte; remove it.');
  if (kind === 'executable' && !SHEBANG.test(body)) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      'An executable script must start with a shebang line naming its interpreter, e.g. "#!/usr/bin/env python3".',
    );
  }
  if (kind === 'ansible') checkPlaybook(body);
}

/** The requirements file as stored: only ansible scripts have one, and it must parse. */
function checkRequirements(kind: string, requirements: string | null): string | null {
  const text = requirements?.trim() ? requirements : null;
  if (text === null) return null;
  if (kind !== 'ansible') {
    throw new DomainError(
      'invalid',
      'validation_failed',
      'Only ansible scripts have a requirements file; remove it or pick the ansible kind.',
      'body.requirements',
    );
  }
  if (text.includes('\0'))
    throw new DomainError(
      'invalid',
      'validation_failed',
      'The requirements file contains a NUL byte.',
      'body.requirements',
    );
  parseRequirements(text);
  return text;
}

function checkParameters(kind: string, parameters: ScriptParameter[]): void {
  const seen = new Set<string>();
  for (const p of parameters) {
    if (seen.has(p.name))
      throw new DomainError('invalid', 'validation_failed', `The parameter ${p.name} is declared twice.`);
    seen.add(p.name);
    // An ansible script's parameters are extra variables.
    const reserved = kind === 'ansible' ? extraVarNameProblem(p.name) : null;
    if (reserved) throw new DomainError('invalid', 'validation_failed', reserved, 'body.parameters');
  }
}

const nameTaken = (name: string) =>
  new DomainError('conflict', 'name_taken', `A script named "${name}" already exists; pick another name.`);

/** How a script is written, beyond the request. */
export interface ScriptWriteOptions {
  /**
   * A stack step's script: its playbook comes from a template version whose saving was already
   * held to the ansible author check, and the person deploying it only gives inputs.
   */
  playbookFromTemplate?: boolean;
}

type ScriptWithVersion = Prisma.ScriptGetPayload<{ include: { versions: true } }>;

export function scriptView(s: ScriptWithVersion): ScriptView {
  const current = s.versions.find((v) => v.version === s.currentVersion) ?? s.versions[0];
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    kind: s.kind,
    version: s.currentVersion,
    body: current?.body ?? '',
    parameters: (current?.parameters ?? []) as ScriptParameter[],
    requirements: current?.requirements ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

async function loadScript(db: Database, organizationId: string, id: string): Promise<ScriptWithVersion> {
  const script = await repos(db).scripts.getInOrg(organizationId, id);
  const versions = await db.prisma.scriptVersion.findMany({
    where: { scriptId: id, version: script.currentVersion },
  });
  return { ...script, versions };
}

export const getScript = async (db: Database, organizationId: string, id: string) =>
  scriptView(await loadScript(db, organizationId, id));

export async function listScripts(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<ScriptView[]> {
  const only = caller ? await allowedIds(db, organizationId, caller, 'scripts') : null;
  const scripts = await db.prisma.script.findMany({
    where: { organizationId, ...(only ? { id: { in: only } } : {}) },
    orderBy: { name: 'asc' },
  });
  if (scripts.length === 0) return [];
  const versions = await db.prisma.scriptVersion.findMany({
    where: { OR: scripts.map((s) => ({ scriptId: s.id, version: s.currentVersion })) },
  });
  return scripts.map((s) => scriptView({ ...s, versions: versions.filter((v) => v.scriptId === s.id) }));
}

export async function createScript(
  db: Database,
  actor: OrgActor,
  req: CreateScriptRequest,
  options: ScriptWriteOptions = {},
): Promise<ScriptView> {
  const kind = req.kind ?? 'shell';
  const parameters = req.parameters ?? [];
  checkBody(kind, req.body);
  checkParameters(kind, parameters);
  const requirements = checkRequirements(kind, req.requirements ?? null);
  if (kind === 'ansible' && !options.playbookFromTemplate)
    await mayWriteAnsible(db, actor, 'ansible scripts');
  let id: string;
  try {
    id = await db.prisma.$transaction(async (tx) => {
      const script = await tx.script.create({
        data: {
          organizationId: actor.organizationId,
          name: req.name,
          description: req.description ?? '',
          kind,
          createdById: actor.userId ?? null,
        },
      });
      await tx.scriptVersion.create({
        data: {
          scriptId: script.id,
          version: 1,
          body: req.body,
          parameters: parameters as object[],
          requirements,
        },
      });
      return script.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(req.name);
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'script.create',
    resourceKind: 'script',
    resourceId: id,
    details: { name: req.name, kind },
  });
  return getScript(db, actor.organizationId, id);
}

/** Name and description change in place; a new body, kind or parameters make a new version. */
export async function updateScript(
  db: Database,
  actor: OrgActor,
  id: string,
  req: UpdateScriptRequest,
  options: ScriptWriteOptions = {},
): Promise<ScriptView> {
  const before = scriptView(await loadScript(db, actor.organizationId, id));
  const kind = req.kind ?? before.kind;
  const body = req.body ?? before.body;
  const parameters = req.parameters ?? before.parameters;
  checkBody(kind, body);
  checkParameters(kind, parameters);
  const requirements = checkRequirements(
    kind,
    req.requirements !== undefined ? req.requirements : before.requirements,
  );
  const newVersion =
    body !== before.body ||
    kind !== before.kind ||
    requirements !== before.requirements ||
    JSON.stringify(parameters) !== JSON.stringify(before.parameters);
  if (newVersion && (kind === 'ansible' || before.kind === 'ansible') && !options.playbookFromTemplate)
    await mayWriteAnsible(db, actor, 'ansible scripts');
  const version = newVersion ? before.version + 1 : before.version;
  try {
    await db.prisma.$transaction(async (tx) => {
      if (newVersion) {
        await tx.scriptVersion.create({
          data: { scriptId: id, version, body, parameters: parameters as object[], requirements },
        });
      }
      await tx.script.update({
        where: { id },
        data: {
          name: req.name ?? before.name,
          description: req.description ?? before.description,
          kind,
          currentVersion: version,
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(req.name ?? before.name);
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'script.update',
    resourceKind: 'script',
    resourceId: id,
    details: { name: req.name ?? before.name, from: before.version, to: version },
  });
  return getScript(db, actor.organizationId, id);
}

export async function deleteScript(db: Database, actor: OrgActor, id: string): Promise<void> {
  const script = await loadScript(db, actor.organizationId, id);
  const used = await db.prisma.schedule.count({
    where: { organizationId: actor.organizationId, scriptId: id },
  });
  if (used > 0) {
    throw new DomainError(
      'conflict',
      'script_in_use',
      `${used} schedule(s) run "${script.name}"; change or delete them first.`,
    );
  }
  await db.prisma.script.delete({ where: { id } });
  await recordAudit(db, actor, {
    action: 'script.delete',
    resourceKind: 'script',
    resourceId: id,
    details: { name: script.name },
  });
}

export async function listScriptVersions(
  db: Database,
  organizationId: string,
  id: string,
): Promise<ScriptVersionView[]> {
  await loadScript(db, organizationId, id);
  const versions = await db.prisma.scriptVersion.findMany({
    where: { scriptId: id },
    orderBy: { version: 'desc' },
  });
  return versions.map((v) => ({
    version: v.version,
    body: v.body,
    parameters: v.parameters as ScriptParameter[],
    requirements: v.requirements,
    createdAt: v.createdAt.toISOString(),
  }));
}
