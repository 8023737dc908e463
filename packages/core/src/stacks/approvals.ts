import { randomUUID } from 'node:crypto';
import type {
  CatalogDeployRequest,
  CreateMachineRequest,
  DeployRequest as DeployRequestView,
  DeployStackRequest,
  Machine,
} from '@overcast/contracts';
import type { Database, DeployRequest } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { type OrgActor, recordAudit } from '../audit';
import { decide, onBehalfOf, type Principal } from '../authz';
import { DomainError, notFound } from '../errors';
import { goesToApproval, type Verdicts } from '../governance';
import { createMachine, createMachineOrKeep } from '../machines';
import { repos } from '../repositories';
import { type CatalogReader, visibleCatalogItem } from './catalog-items';
import { type DeployOptions, deployStack, type StackRuntime } from './deploy';
import { secretInputs } from './inputs';
import { documentOf, loadTemplateVersion } from './templates';

/** What a deploy answers: the stack made, or the request kept for an admin's approval. */
export type DeployOutcome = { stackId: string } | { request: DeployRequestView };

const sealedFor = (id: string) => `deploy-request:${id}`;

/** A budget refusal whose limits send it to an admin instead: its message; otherwise undefined. */
const approvable = (verdict: Verdicts): string | undefined =>
  goesToApproval(verdict) ? verdict.quota?.error.message : undefined;

/** What a request is for, in messages: its stack's or its machine's name. */
const subjectOf = (row: DeployRequest) =>
  row.stackName ?? (row.machineRequest as { name?: string } | null)?.name ?? 'the request';

/**
 * Deploys a template, or, when it goes over a budget whose limits say "approval", keeps it as
 * a pending request for an admin instead of refusing it. Every other refusal stands.
 */
export async function deployOrRequest(
  runtime: StackRuntime,
  actor: OrgActor,
  caller: Principal | null,
  req: DeployStackRequest,
  catalogItemId: string | null = null,
): Promise<DeployOutcome> {
  let request: DeployRequestView | null = null;
  const onRefusal: DeployOptions['onRefusal'] = async (verdict: Verdicts) => {
    const refusal = approvable(verdict);
    if (refusal === undefined) return undefined;
    request = await saveRequest(runtime, actor, req, catalogItemId, refusal);
    return request.id;
  };
  const stackId = await deployStack(runtime, actor, caller, req, { onRefusal });
  return request ? { request } : { stackId };
}

/**
 * Creates a machine from the create form, or, over a budget whose limits say "approval", keeps
 * the request for an admin (its post-deploy script sealed). Every other refusal stands.
 */
export async function createMachineOrRequest(
  runtime: StackRuntime,
  actor: OrgActor,
  cloudId: string,
  req: CreateMachineRequest,
): Promise<{ machine: Machine } | { request: DeployRequestView }> {
  let request: DeployRequestView | null = null;
  const outcome = await createMachineOrKeep(runtime, actor, cloudId, req, {
    onRefusal: async (verdict) => {
      const refusal = approvable(verdict);
      if (refusal === undefined) return undefined;
      request = await saveMachineRequest(runtime, actor, cloudId, req, refusal);
      return request.id;
    },
  });
  return request ? { request } : (outcome as { machine: Machine });
}

async function saveMachineRequest(
  runtime: Pick<Runtime, 'db' | 'box'>,
  actor: OrgActor,
  cloudId: string,
  req: CreateMachineRequest,
  refusal: string,
): Promise<DeployRequestView> {
  const { postDeployScript, ...open } = req;
  const id = randomUUID();
  const row = await runtime.db.prisma.deployRequest.create({
    data: {
      id,
      organizationId: actor.organizationId,
      cloudId,
      machineRequest: open as object,
      secretInputs: postDeployScript
        ? runtime.box.seal(JSON.stringify({ postDeployScript }), sealedFor(id)).toString('base64')
        : null,
      requestedById: actor.userId ?? null,
      requestedByLabel: actor.label,
      refusal,
    },
  });
  await recordAudit(runtime.db, actor, {
    action: 'deploy_request.create',
    resourceKind: 'deploy_request',
    resourceId: id,
    details: { machine: req.name, cloudId, size: req.size, refusal },
  });
  return requestView(runtime.db, row);
}

async function saveRequest(
  runtime: Pick<Runtime, 'db' | 'box'>,
  actor: OrgActor,
  req: DeployStackRequest,
  catalogItemId: string | null,
  refusal: string,
): Promise<DeployRequestView> {
  const { db } = runtime;
  const { source, version } = await loadTemplateVersion(
    db,
    actor.organizationId,
    req.templateId,
    req.version,
  );
  const secrets = new Set(secretInputs(documentOf(source)));
  const given = Object.fromEntries(Object.entries(req.inputs ?? {}).map(([k, v]) => [k, String(v)]));
  const open = Object.fromEntries(Object.entries(given).filter(([k]) => !secrets.has(k)));
  const secret = Object.fromEntries(Object.entries(given).filter(([k]) => secrets.has(k)));
  const id = randomUUID();
  const row = await db.prisma.deployRequest.create({
    data: {
      id,
      organizationId: actor.organizationId,
      catalogItemId,
      templateId: req.templateId,
      templateVersion: version,
      stackName: req.name,
      inputs: open,
      secretInputs: Object.keys(secret).length
        ? runtime.box.seal(JSON.stringify(secret), sealedFor(id)).toString('base64')
        : null,
      requestedById: actor.userId ?? null,
      requestedByLabel: actor.label,
      refusal,
    },
  });
  await recordAudit(db, actor, {
    action: 'deploy_request.create',
    resourceKind: 'deploy_request',
    resourceId: id,
    details: { stack: req.name, templateId: req.templateId, version, refusal },
  });
  return requestView(db, row);
}

async function requestView(db: Database, r: DeployRequest): Promise<DeployRequestView> {
  const item = r.catalogItemId
    ? await db.prisma.catalogItem.findUnique({ where: { id: r.catalogItemId }, select: { name: true } })
    : null;
  const asked = r.machineRequest as CreateMachineRequest | null;
  const cloud =
    asked && r.cloudId
      ? await db.prisma.cloud.findUnique({ where: { id: r.cloudId }, select: { title: true } })
      : null;
  return {
    id: r.id,
    catalogItemId: r.catalogItemId,
    catalogItemName: item?.name ?? null,
    templateId: r.templateId,
    templateVersion: r.templateVersion,
    stackName: r.stackName,
    machine:
      asked && r.cloudId
        ? {
            cloudId: r.cloudId,
            cloudTitle: cloud?.title ?? '(deleted cloud)',
            name: asked.name,
            size: asked.size,
            image: asked.image,
            location: asked.location,
          }
        : null,
    machineId: r.machineId,
    inputs: r.inputs as Record<string, string>,
    requestedBy: r.requestedByLabel,
    status: r.status as DeployRequestView['status'],
    refusal: r.refusal,
    decisionReason: r.decisionReason,
    decidedBy: r.decidedByLabel,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    stackId: r.stackId,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
  };
}

const isAdmin = (r: CatalogReader) => r.role === 'owner' || r.role === 'admin';

/** Admins see every request of the organization; others their own. */
export async function listDeployRequests(db: Database, reader: CatalogReader): Promise<DeployRequestView[]> {
  const rows = await db.prisma.deployRequest.findMany({
    where: {
      organizationId: reader.organizationId,
      ...(isAdmin(reader) ? {} : { requestedById: reader.userId }),
    },
    orderBy: { createdAt: 'desc' },
    take: 500,
  });
  return Promise.all(rows.map((r) => requestView(db, r)));
}

export async function getDeployRequest(
  db: Database,
  reader: CatalogReader,
  id: string,
): Promise<DeployRequestView> {
  const row = await repos(db).deployRequests.getInOrg(reader.organizationId, id);
  if (!isAdmin(reader) && row.requestedById !== reader.userId) throw notFound('Deploy request');
  return requestView(db, row);
}

async function pending(db: Database, organizationId: string, id: string): Promise<DeployRequest> {
  const row = await repos(db).deployRequests.getInOrg(organizationId, id);
  if (row.status !== 'pending')
    throw new DomainError(
      'conflict',
      'deploy_request_decided',
      `The request for ${subjectOf(row)} was already ${row.status}${row.decidedByLabel ? ` by ${row.decidedByLabel}` : ''}.`,
    );
  return row;
}

/** Claims a pending request for one decision, so two admins cannot both decide it. */
async function claim(
  db: Database,
  row: DeployRequest,
  actor: OrgActor,
  status: string,
  reason: string | null,
) {
  const { count } = await db.prisma.deployRequest.updateMany({
    where: { id: row.id, status: 'pending' },
    data: { status, decisionReason: reason, decidedByLabel: actor.label, decidedAt: new Date() },
  });
  if (count === 0) await pending(db, row.organizationId, row.id);
}

/**
 * Approves a request: it deploys as the person who asked (their rights checked again, every
 * limit but the budget held again). A refusal on another limit marks it failed and is answered.
 */
export async function approveDeployRequest(
  runtime: StackRuntime,
  admin: OrgActor,
  id: string,
): Promise<DeployRequestView> {
  const { db } = runtime;
  const row = await pending(db, admin.organizationId, id);
  await claim(db, row, admin, 'deployed', null);
  await recordAudit(db, admin, {
    action: 'deploy_request.approve',
    resourceKind: 'deploy_request',
    resourceId: id,
    details: { for: subjectOf(row), requestedBy: row.requestedByLabel },
  });
  try {
    const who = await onBehalfOf(db, row.organizationId, row.requestedById);
    if ('left' in who)
      throw new DomainError(
        'forbidden',
        'not_allowed',
        `${row.requestedByLabel} is no longer a member of the organization.`,
      );
    const secret = row.secretInputs
      ? (JSON.parse(
          runtime.box.open(Buffer.from(row.secretInputs, 'base64'), sealedFor(row.id)).toString('utf8'),
        ) as Record<string, string>)
      : {};
    const requester: OrgActor = {
      organizationId: row.organizationId,
      userId: row.requestedById,
      label: `${who.label} (approved by ${admin.label})`,
    };
    if (row.machineRequest && row.cloudId) {
      const asked = { ...(row.machineRequest as CreateMachineRequest), ...secret };
      // Their right to create machines in the cloud is checked again, as when they asked.
      if (
        who.principal &&
        !decide(who.principal, 'machines', 'create', { cloudId: row.cloudId, tags: asked.tags ?? {} })
      )
        throw new DomainError(
          'forbidden',
          'not_allowed',
          `${row.requestedByLabel} may no longer create machines in that cloud.`,
        );
      const machine = await createMachine(runtime, requester, row.cloudId, asked, { skipQuotas: ['budget'] });
      const done = await db.prisma.deployRequest.update({ where: { id }, data: { machineId: machine.id } });
      return requestView(db, done);
    }
    if (!row.templateId || !row.stackName || !row.templateVersion) throw notFound('Template');
    const stackId = await deployStack(
      runtime,
      requester,
      who.principal,
      {
        name: row.stackName,
        templateId: row.templateId,
        version: row.templateVersion,
        inputs: { ...(row.inputs as Record<string, string>), ...secret },
      },
      { skipQuotas: ['budget'] },
    );
    const done = await db.prisma.deployRequest.update({ where: { id }, data: { stackId } });
    return requestView(db, done);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await db.prisma.deployRequest.update({ where: { id }, data: { status: 'failed', error: err.message } });
    throw err;
  }
}

export async function rejectDeployRequest(
  db: Database,
  admin: OrgActor,
  id: string,
  reason: string,
): Promise<DeployRequestView> {
  const row = await pending(db, admin.organizationId, id);
  await claim(db, row, admin, 'rejected', reason.trim());
  await recordAudit(db, admin, {
    action: 'deploy_request.reject',
    resourceKind: 'deploy_request',
    resourceId: id,
    details: { for: subjectOf(row), requestedBy: row.requestedByLabel, reason },
  });
  return requestView(db, await repos(db).deployRequests.getInOrg(admin.organizationId, id));
}

/** A deploy from the catalog: the reader must see the item; they need no right on templates. */
export async function deployFromCatalog(
  runtime: StackRuntime,
  actor: OrgActor,
  caller: Principal & CatalogReader,
  id: string,
  req: CatalogDeployRequest,
): Promise<DeployOutcome> {
  const item = await visibleCatalogItem(runtime.db, caller, id);
  return deployOrRequest(
    runtime,
    actor,
    caller,
    { name: req.name, templateId: item.templateId, version: item.templateVersion, inputs: req.inputs },
    item.id,
  );
}
