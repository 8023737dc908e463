import type { DeployStackRequest, TemplateDocument } from '@overcast/contracts';
import { type Cloud, isUniqueViolation, type Prisma } from '@overcast/db';
import { QueueConnection, type Runtime } from '@overcast/runtime';
import { FlowProducer } from 'bullmq';
import { type OrgActor, recordAudit } from '../audit';
import type { Principal } from '../authz';
import { DomainError } from '../errors';
import {
  type Creation,
  type Estimate,
  fromCents,
  governCreations,
  type QuotaKind,
  type Verdicts,
} from '../governance';
import { repos } from '../repositories';
import { cloudsToCreateIn, volumeAndContainerClouds } from './clouds';
import { announceStack } from './events';
import { resolveInputs, secretInputs } from './inputs';
import { type ContainerSpec, type MachineSpec, type StackSpecs, stackSpecs } from './specs';
import { documentOf, loadTemplateVersion } from './templates';

export type StackRuntime = Pick<Runtime, 'db' | 'box' | 'redis' | 'queues' | 'settings'>;

export interface StackJobData {
  stackId: string;
  resourceId?: string;
  stepId?: string;
}

export const sealedInputs = (
  runtime: Pick<Runtime, 'box'>,
  stackId: string,
  values: Record<string, string>,
) => runtime.box.seal(JSON.stringify(values), `stack:${stackId}`).toString('base64');

/** The input values of a stack, secrets opened: only the worker asks, to fill a step's env. */
export function stackInputs(
  runtime: Pick<Runtime, 'box'>,
  stack: { id: string; inputs: unknown; secretInputs: string | null },
): Record<string, string> {
  const open = stack.secretInputs
    ? (JSON.parse(
        runtime.box.open(Buffer.from(stack.secretInputs, 'base64'), `stack:${stack.id}`).toString('utf8'),
      ) as Record<string, string>)
    : {};
  return { ...(stack.inputs as Record<string, string>), ...open };
}

/**
 * Deploys a template: checks inputs, clouds and keys and the caller's right to make machines in
 * each cloud, records the stack with one row per machine and step, and starts the workflow.
 * Nothing is written when a check fails.
 */
export async function deployStack(
  runtime: StackRuntime,
  actor: OrgActor,
  caller: Principal | null,
  req: DeployStackRequest,
  options: DeployOptions = {},
): Promise<string> {
  const { db } = runtime;
  const { source, version } = await loadTemplateVersion(
    db,
    actor.organizationId,
    req.templateId,
    req.version,
  );
  const doc: TemplateDocument = documentOf(source, 'body.templateId');
  const values = resolveInputs(doc, req.inputs);
  const secrets = new Set(secretInputs(doc));
  const specs = stackSpecs(doc, values, { id: '00000000-0000-0000-0000-000000000000', name: req.name });
  const clouds = await cloudsToCreateIn(db, actor.organizationId, caller, specs.machines);
  const others = await volumeAndContainerClouds(db, actor.organizationId, caller, specs, clouds, source);
  // The whole stack is one request to the quotas: refused whole before any row or machine.
  const creations = [
    ...specs.machines.map((s) => creationOf(s, clouds.get(s.label)!)),
    ...specs.containers.map((s) => containerCreationOf(s, others.containers.get(s.label)!)),
  ];
  return governCreations(
    runtime,
    actor,
    creations,
    {
      action: 'stack.deploy',
      resourceKind: 'template',
      resourceId: req.templateId,
      details: { name: req.name, version, ...counts(specs) },
    },
    (verdict) =>
      storeAndStart(runtime, actor, req, {
        doc,
        version,
        values,
        secrets,
        specs,
        clouds: { machines: clouds, ...others },
        estimates: verdict?.estimates ?? [],
        overBudgetApproved: options.skipQuotas?.includes('budget') ?? false,
      }),
    { subject: 'this stack', skipQuotas: options.skipQuotas, onRefusal: options.onRefusal },
  );
}

/** A stack machine as the governance checks see it. */
export function creationOf(spec: MachineSpec, cloud: Cloud): Creation {
  return {
    cloud,
    kind: 'machine',
    size: spec.request.size,
    location: spec.request.location,
    image: spec.request.image,
    tags: spec.request.tags ?? {},
    expiresAt: spec.request.expiration?.expiresAt ?? null,
    count: 1,
  };
}

/** A stack container as the governance checks see it: a container of the engine's cloud. */
export function containerCreationOf(spec: ContainerSpec, cloud: Cloud): Creation {
  return {
    cloud,
    kind: 'container',
    size: null,
    location: null,
    image: spec.request.image,
    tags: spec.request.labels ?? {},
    expiresAt: null,
    count: 1,
  };
}

const counts = (specs: StackSpecs) => ({
  machines: specs.machines.length,
  volumes: specs.volumes.length,
  containers: specs.containers.length,
});

export interface DeployOptions {
  /** Quotas an admin approved going over: not held again. */
  skipQuotas?: QuotaKind[];
  /** Takes a refusal over (saves the request for approval); returns the id it answers with. */
  onRefusal?: (verdict: Verdicts) => Promise<string | undefined>;
}

async function storeAndStart(
  runtime: StackRuntime,
  actor: OrgActor,
  req: DeployStackRequest,
  p: {
    doc: TemplateDocument;
    version: number;
    values: Record<string, string>;
    secrets: Set<string>;
    specs: StackSpecs;
    clouds: { machines: Map<string, Cloud>; volumes: Map<string, Cloud>; containers: Map<string, Cloud> };
    /** Per machine, then per container, in order: what each holds against the quotas until it is made. */
    estimates: Estimate[];
    overBudgetApproved: boolean;
  },
): Promise<string> {
  const { db } = runtime;
  const { doc, version, values, secrets, specs, clouds, estimates } = p;
  let stackId: string;
  try {
    stackId = await db.prisma.$transaction(async (tx) => {
      const stack = await tx.stack.create({
        data: {
          organizationId: actor.organizationId,
          name: req.name,
          templateId: req.templateId,
          templateVersion: version,
          document: doc as object,
          inputs: Object.fromEntries(Object.entries(values).filter(([k]) => !secrets.has(k))),
          createdById: actor.userId ?? null,
          createdByLabel: actor.label,
          overBudgetApproved: p.overBudgetApproved,
        },
      });
      const secret = Object.fromEntries(Object.entries(values).filter(([k]) => secrets.has(k)));
      if (secrets.size > 0)
        await tx.stack.update({
          where: { id: stack.id },
          data: { secretInputs: sealedInputs(runtime, stack.id, secret) },
        });
      const held = (i: number) => ({
        vcpus: estimates[i]?.vcpus ?? null,
        costMonthly: estimates[i]?.cents == null ? null : fromCents(estimates[i]!.cents!),
      });
      const row = (kind: string, s: { resource: string; index: number; label: string }, cloud: Cloud) => ({
        stackId: stack.id,
        kind,
        name: s.resource,
        index: s.index,
        cloudId: cloud.id,
      });
      const machines = specs.machines.length;
      await tx.stackResource.createMany({
        data: [
          ...specs.machines.map((s, i) => ({
            ...row('machine', s, clouds.machines.get(s.label)!),
            ...held(i),
          })),
          ...specs.volumes.map((s) => row('volume', s, clouds.volumes.get(s.label)!)),
          ...specs.containers.map((s, i) => ({
            ...row('container', s, clouds.containers.get(s.label)!),
            ...held(machines + i),
          })),
        ],
      });
      await tx.stackStep.createMany({
        data: Object.keys(doc.steps ?? {}).map((name) => ({ stackId: stack.id, name })),
      });
      return stack.id;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new DomainError(
        'conflict',
        'name_taken',
        `A stack named "${req.name}" already exists; pick another name.`,
        'body.name',
      );
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'stack.deploy',
    resourceKind: 'stack',
    resourceId: stackId,
    details: { name: req.name, templateId: req.templateId, version, ...counts(specs) },
  });
  await startMachinesFlow(runtime, stackId);
  await announceStack(runtime.redis, actor.organizationId, stackId, 'stack', req.name, 'deploying');
  return stackId;
}

/** A stack's machines and volumes not yet ready: no step or container starts while one is left. */
export const unreadyResources = (stackId: string): Prisma.StackResourceWhereInput => ({
  stackId,
  kind: { in: ['machine', 'volume'] },
  status: { notIn: ['ready', 'retiring'] },
});

/**
 * One flow per stack and generation (an update is the next one): a job per machine and volume
 * still to be made (in parallel), under a parent that starts the steps once every machine answers
 * and every volume is attached. Containers come after (`advanceStack`): their env may name
 * machines and steps. Job ids are the rows' ids and the generation, so queueing again never doubles.
 */
export async function startMachinesFlow(
  runtime: Pick<Runtime, 'db' | 'queues'>,
  stackId: string,
): Promise<void> {
  const { generation } = await runtime.db.prisma.stack.findUniqueOrThrow({
    where: { id: stackId },
    select: { generation: true },
  });
  const resources = await runtime.db.prisma.stackResource.findMany({ where: unreadyResources(stackId) });
  const queue = runtime.queues.stacks;
  const flows = new FlowProducer(
    { connection: queue.opts.connection, prefix: queue.opts.prefix },
    QueueConnection,
  );
  try {
    await flows.add({
      name: 'machines-ready',
      queueName: queue.name,
      data: { stackId } satisfies StackJobData,
      opts: { jobId: `stack-${stackId}-ready-${generation}`, removeOnComplete: 100, removeOnFail: 100 },
      children: resources.map((r) => ({
        name: r.kind,
        queueName: queue.name,
        data: { stackId, resourceId: r.id } satisfies StackJobData,
        opts: {
          jobId: `stack-${r.kind}-${r.id}-${generation}`,
          attempts: 5,
          backoff: { type: 'exponential', delay: 2_000 },
          removeOnComplete: 100,
          removeOnFail: 100,
        },
      })),
    });
  } finally {
    await flows.close();
  }
}

/** A container's job, once the steps it comes after have succeeded; one per generation. */
export async function enqueueContainer(
  runtime: Pick<Runtime, 'queues'>,
  stack: { id: string; generation: number },
  resourceId: string,
): Promise<void> {
  await runtime.queues.stacks.add('container', { stackId: stack.id, resourceId } satisfies StackJobData, {
    jobId: `stack-container-${resourceId}-${stack.generation}`,
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: 100,
    removeOnFail: 100,
  });
}

/** A step's job; the attempt is in its id, so a retried step is a new job. */
export async function enqueueStep(
  runtime: Pick<Runtime, 'queues'>,
  stackId: string,
  step: { id: string; attempt: number },
): Promise<void> {
  await runtime.queues.stacks.add('step', { stackId, stepId: step.id } satisfies StackJobData, {
    jobId: `stack-step-${step.id}-${step.attempt}`,
    attempts: 3,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: 100,
    removeOnFail: 100,
  });
}

/** A step made ready to run again: a new attempt (so a new job id), its last run forgotten. */
export const STEP_AGAIN = {
  status: 'waiting',
  attempt: { increment: 1 },
  scriptRunId: null,
  error: null,
  output: '',
  startedAt: null,
  finishedAt: null,
} as const;

/** Runs a failed step again (and what waits on it); its earlier output stays in its script run. */
export async function retryStackStep(
  runtime: StackRuntime,
  actor: OrgActor,
  stackId: string,
  name: string,
): Promise<void> {
  const stack = await repos(runtime.db).stacks.getInOrg(actor.organizationId, stackId);
  const step = await runtime.db.prisma.stackStep.findUnique({ where: { stackId_name: { stackId, name } } });
  if (!step)
    throw new DomainError(
      'not_found',
      'stack_step_not_found',
      `The stack ${stack.name} has no step ${name}.`,
    );
  if (step.status !== 'failed')
    throw new DomainError(
      'conflict',
      'step_not_failed',
      `The step ${name} is ${step.status}; only a failed step can be retried.`,
    );
  if (stack.status === 'destroying' || stack.status === 'destroyed')
    throw new DomainError('conflict', 'stack_busy', `The stack ${stack.name} is ${stack.status}.`);
  const next = await runtime.db.prisma.stackStep.update({ where: { id: step.id }, data: STEP_AGAIN });
  await runtime.db.prisma.stack.update({
    where: { id: stackId },
    data: { status: 'deploying', error: null, finishedAt: null },
  });
  await recordAudit(runtime.db, actor, {
    action: 'stack.retry_step',
    resourceKind: 'stack',
    resourceId: stackId,
    details: { name: stack.name, step: name, attempt: next.attempt },
  });
  await enqueueStep(runtime, stackId, next);
  await announceStack(runtime.redis, actor.organizationId, stackId, 'step', name, 'waiting');
}

/** Destroys every machine, volume and container the stack made, and nothing else; the stack stays as a record. */
export async function destroyStack(runtime: StackRuntime, actor: OrgActor, stackId: string): Promise<void> {
  const stack = await repos(runtime.db).stacks.getInOrg(actor.organizationId, stackId);
  // Claimed in one statement: two requests at once start one destroy, not two.
  const claimed = await runtime.db.prisma.stack.updateMany({
    where: { id: stackId, status: { not: 'destroying' } },
    data: { status: 'destroying', error: null },
  });
  if (!claimed.count)
    throw new DomainError('conflict', 'stack_busy', `The stack ${stack.name} is already being destroyed.`);
  await recordAudit(runtime.db, actor, {
    action: 'stack.destroy',
    resourceKind: 'stack',
    resourceId: stackId,
    details: { name: stack.name },
  });
  await enqueueDestroy(runtime, stackId);
  await announceStack(runtime.redis, actor.organizationId, stackId, 'stack', stack.name, 'destroying');
}

/** A destroy's job; each destroy is a new one, since a stack may be destroyed again after a failure. */
export async function enqueueDestroy(runtime: Pick<Runtime, 'queues'>, stackId: string): Promise<void> {
  await runtime.queues.stacks.add('destroy', { stackId } satisfies StackJobData, {
    jobId: `stack-destroy-${stackId}-${Date.now()}`,
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: 100,
    removeOnFail: 100,
  });
}
