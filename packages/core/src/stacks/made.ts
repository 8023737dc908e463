import type { RemoteMachine, TemplateDocument } from '@overcast/contracts';
import type { Stack, StackResource } from '@overcast/db';
import type { OrgActor } from '../audit';
import { decide, type OnBehalfOf, onBehalfOf } from '../authz';
import { driverOf } from '../clouds';
import { DomainError } from '../errors';
import { storeCreatedMachine } from '../machines';
import { cloudNamed } from './clouds';
import { type StackRuntime, stackInputs } from './deploy';
import { announceStack } from './events';
import { type StackSpecs, stackSpecs } from './specs';

// What the stack's jobs share: who they act for, their rows, and finding what a killed job made.

/** The person a stack acts for, checked again each time it acts; refuses if they left. */
export async function actorOf(
  runtime: StackRuntime,
  stack: Stack,
): Promise<{ actor: OrgActor; who: OnBehalfOf }> {
  const who = await onBehalfOf(runtime.db, stack.organizationId, stack.createdById);
  if ('left' in who)
    throw new DomainError(
      'forbidden',
      'not_allowed',
      `${stack.createdByLabel} is no longer a member of the organization.`,
    );
  return {
    actor: {
      organizationId: stack.organizationId,
      userId: stack.createdById,
      label: `${who.label} (stack ${stack.name})`,
    },
    who,
  };
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Kind = 'machine' | 'volume' | 'container';
type SpecOf<K extends Kind> = StackSpecs[`${K}s`][number];

/** The spec of a row, from the stack's document and inputs; a resource gone from it is a conflict. */
export function specOf<K extends Kind>(
  runtime: StackRuntime,
  stack: Stack,
  row: StackResource,
  kind: K,
): SpecOf<K> {
  const specs = stackSpecs(stack.document as TemplateDocument, stackInputs(runtime, stack), stack)[
    `${kind}s`
  ];
  const spec = (specs as SpecOf<K>[]).find((s) => s.resource === row.name && s.index === row.index);
  if (!spec)
    throw new DomainError('conflict', 'stack_busy', `The template no longer has the ${kind} ${row.name}.`);
  return spec;
}

export async function setResource(
  runtime: StackRuntime,
  stack: Stack,
  row: StackResource,
  label: string,
  data: Partial<StackResource>,
) {
  await runtime.db.prisma.stackResource.update({ where: { id: row.id }, data });
  if (data.status)
    await announceStack(runtime.redis, stack.organizationId, stack.id, 'resource', label, data.status);
}

/**
 * A machine or container a previous attempt made before it could record it: stored by a poll
 * already, or still only at the provider, found by the stack's tags either way.
 */
export async function findMade(
  runtime: StackRuntime,
  actor: OrgActor,
  stack: Stack,
  label: string,
  cloudId: string,
  retiredMachineId: string | null,
) {
  // The machine an update replaces carries the same tags: it is not the one looked for.
  const retired = retiredMachineId
    ? await runtime.db.prisma.machine.findUnique({ where: { id: retiredMachineId } })
    : null;
  const { rows } = await runtime.db.pool.query<{ id: string }>(
    `SELECT id FROM machines WHERE organization_id = $1 AND cloud_id = $2
       AND provider_tags->>'stack-id' = $3 AND provider_tags->>'stack-resource' = $4
       AND id IS DISTINCT FROM $5::uuid AND state NOT IN ('terminated', 'missing') LIMIT 1`,
    [stack.organizationId, cloudId, stack.id, label, retiredMachineId],
  );
  if (rows[0]) return rows[0].id;
  const cloud = await runtime.db.prisma.cloud.findUniqueOrThrow({ where: { id: cloudId } });
  const driver = await driverOf(runtime, cloud);
  let found: RemoteMachine | null = null;
  for await (const m of driver.listMachines(new AbortController().signal)) {
    const isRetired = retired?.cloudId === cloudId && retired.externalId === m.externalId;
    if (m.tags['stack-id'] === stack.id && m.tags['stack-resource'] === label && !isRetired) found = m;
  }
  if (!found) return null;
  const stored = await storeCreatedMachine(runtime, actor, cloud, found, {
    sshKeyId: null,
    audit: { name: found.name, stack: stack.name, adopted: true },
  });
  return stored.id;
}

/** A resource job's stack and row; null when there is nothing left to do (the stack moved on, the row settled). */
export async function jobTarget(
  runtime: StackRuntime,
  stackId: string,
  resourceId: string,
): Promise<{ stack: Stack; row: StackResource } | null> {
  const [stack, row] = await Promise.all([
    runtime.db.prisma.stack.findUnique({ where: { id: stackId } }),
    runtime.db.prisma.stackResource.findUnique({ where: { id: resourceId } }),
  ]);
  if (!stack || !row || stack.status !== 'deploying' || row.status === 'ready' || row.status === 'failed')
    return null;
  return { stack, row };
}

/** The policy right that creating each kind takes: containers are machines of their engine. */
const CREATE_RIGHT = { machine: 'machines', container: 'machines', volume: 'volumes' } as const;

/**
 * Who a job acts for, and the cloud it makes its resource in, as long as that person's policies
 * still let them create it there (checked as the job runs, not only at deploy).
 */
export async function creatorIn(
  runtime: StackRuntime,
  stack: Stack,
  kind: Kind,
  spec: { cloud: string; resource: string },
  tags?: Record<string, string>,
) {
  const acting = await actorOf(runtime, stack);
  const cloud = await cloudNamed(runtime.db, stack.organizationId, spec.cloud, `${kind} ${spec.resource}`);
  const { principal, label } = acting.who;
  if (
    principal &&
    !decide(principal, CREATE_RIGHT[kind], 'create', { cloudId: cloud.id, ...(tags ? { tags } : {}) })
  )
    throw new DomainError(
      'forbidden',
      'not_allowed',
      `${label} may no longer create ${kind}s in ${cloud.title}.`,
    );
  return { ...acting, cloud };
}
