import type { StackPlan, TemplateDocument, UpdateStackRequest } from '@overcast/contracts';
import type { Cloud, Stack, StackResource, StackStep } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import type { Principal } from '../authz';
import { sameJson } from '../canonical-json';
import { DomainError } from '../errors';
import { fromCents, governCreations } from '../governance';
import { repos } from '../repositories';
import { cloudNamed, cloudsToCreateIn, volumeAndContainerClouds } from './clouds';
import {
  containerCreationOf,
  creationOf,
  STEP_AGAIN,
  type StackRuntime,
  sealedInputs,
  stackInputs,
  startMachinesFlow,
} from './deploy';
import { announceStack } from './events';
import { resolveInputs, secretInputs } from './inputs';
import { type MachineSpec, machineSpecs } from './specs';
import { documentOf, loadTemplateVersion } from './templates';
import { type OtherResourcesPlan, planOtherResources } from './update-resources';

/** What a stack is made from: kept before an update, so a rollback can return to it. */
export interface StackState {
  document: TemplateDocument;
  version: number;
  /** Every input value, secrets included (opened). */
  values: Record<string, string>;
}

/** The stored form of the state before the last update: secrets stay sealed. */
interface StoredState {
  document: TemplateDocument;
  version: number;
  inputs: Record<string, string>;
  secretInputs: string | null;
}

const slot = (resource: string, index: number) => `${resource}#${index}`;

/** What the planner compares of two machines; tags Overcast adds are the same by construction. */
function machineChanges(before: MachineSpec, after: MachineSpec): string[] {
  const changes: string[] = [];
  const field = (name: string, a: unknown, b: unknown, show = (v: unknown) => String(v ?? 'none')) => {
    if (!sameJson(a, b)) changes.push(`${name}: ${show(a)} → ${show(b)}`);
  };
  field('cloud', before.cloud, after.cloud);
  field('size', before.request.size, after.request.size);
  field('image', before.request.image, after.request.image);
  field('location', before.request.location, after.request.location);
  field('key', before.key, after.key);
  const own = (tags: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(tags).filter(([k]) => k !== 'stack' && !k.startsWith('stack-')));
  field(
    'tags',
    own(before.request.tags),
    own(after.request.tags),
    (v) =>
      Object.entries(v as Record<string, string>)
        .map(([k, x]) => `${k}=${x}`)
        .join(', ') || 'none',
  );
  return changes;
}

interface PlanDetail {
  plan: StackPlan;
  added: MachineSpec[];
  replaced: MachineSpec[];
  /** Rows an unfinished update left, given back their machine: the one it replaced, or the one it was removing. */
  restored: StackResource[];
  removed: string[];
  rerun: string[];
  others: OtherResourcesPlan;
}

/**
 * Compares what the stack is made of with what it would be: machines added, replaced (a field
 * that cannot change in place changed) or removed, and the steps that must run again.
 */
export function planOf(
  stack: Pick<Stack, 'id' | 'name'>,
  rows: StackResource[],
  steps: StackStep[],
  from: StackState,
  to: StackState,
) {
  const before = machineSpecs(from.document, from.values, stack);
  const next = machineSpecs(to.document, to.values, stack);
  const old = new Map(before.map((s) => [slot(s.resource, s.index), s]));
  const machineRows = rows.filter((r) => r.kind === 'machine');
  const made = new Map(machineRows.map((r) => [slot(r.name, r.index), r]));
  const added: MachineSpec[] = [];
  const replaced: MachineSpec[] = [];
  const restored: StackResource[] = [];
  const replace: StackPlan['machines']['replace'] = [];
  const keep: string[] = [];
  const touched = new Set<string>();
  for (const spec of next) {
    const key = slot(spec.resource, spec.index);
    const was = old.get(key);
    const row = made.get(key);
    if (row && (row.status === 'retiring' || row.retiredMachineId)) {
      restored.push(row);
      replace.push({
        name: spec.label,
        changes: [
          row.status === 'retiring' ? 'kept: its removal is undone' : 'back to the machine it replaced',
        ],
      });
      touched.add(spec.resource);
      continue;
    }
    if (!row) {
      added.push(spec);
      touched.add(spec.resource);
      continue;
    }
    const changes = was ? machineChanges(was, spec) : ['new in this version'];
    // A machine that never came up is made again, whatever changed.
    if (changes.length || row.status !== 'ready') {
      replaced.push(spec);
      replace.push({ name: spec.label, changes: changes.length ? changes : [`it is ${row.status}`] });
      touched.add(spec.resource);
    } else keep.push(spec.label);
  }
  const nextSlots = new Set(next.map((s) => slot(s.resource, s.index)));
  const removed = machineRows.filter(
    (r) => !nextSlots.has(slot(r.name, r.index)) && r.status !== 'destroyed',
  );
  const label = (r: StackResource) =>
    before.find((s) => s.resource === r.name && s.index === r.index)?.label ?? `${r.name}-${r.index + 1}`;
  for (const r of removed) touched.add(r.name);
  const remade = new Set([
    ...replaced.map((s) => s.label),
    ...restored.map((r) => next.find((s) => s.resource === r.name && s.index === r.index)!.label),
  ]);
  const others = planOtherResources(stack, rows, from, to, remade);
  for (const name of others.touched) touched.add(name);

  const changedInputs = Object.keys({ ...from.values, ...to.values })
    .filter((k) => from.values[k] !== to.values[k])
    .sort();
  // A step's script and env name inputs and machines as ${inputs.x} and ${machines.x.address}.
  const names = (def: unknown, kind: string, of: Iterable<string>) =>
    [...of].some((k) => new RegExp(`\\b${kind}\\.${k}\\b`).test(JSON.stringify(def)));
  const fromSteps = from.document.steps ?? {};
  const toSteps = to.document.steps ?? {};
  const status = new Map(steps.map((s) => [s.name, s.status]));
  const rerun = new Set(
    Object.entries(toSteps)
      .filter(
        ([name, def]) =>
          !fromSteps[name] ||
          status.get(name) !== 'succeeded' ||
          !sameJson(fromSteps[name], def) ||
          def.on.some((r) => touched.has(r)) ||
          names(def, 'inputs', changedInputs) ||
          names(def, 'machines', touched),
      )
      .map(([name]) => name),
  );
  // A step after one that runs again runs again too.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, def] of Object.entries(toSteps))
      if (!rerun.has(name) && (def.after ?? []).some((a) => rerun.has(a))) {
        rerun.add(name);
        grew = true;
      }
  }
  const stepNames = Object.keys(toSteps).sort();
  const plan: StackPlan = {
    fromVersion: from.version,
    toVersion: to.version,
    machines: {
      add: added.map((s) => s.label),
      replace,
      remove: removed.map(label),
      keep,
    },
    ...others.plan,
    steps: {
      run: stepNames.filter((n) => rerun.has(n)),
      remove: Object.keys(fromSteps)
        .filter((n) => !toSteps[n])
        .sort(),
      keep: stepNames.filter((n) => !rerun.has(n)),
    },
    inputs: changedInputs,
    unchanged: false,
  };
  plan.unchanged =
    from.version === to.version &&
    !added.length &&
    !replaced.length &&
    !restored.length &&
    !removed.length &&
    !others.addVolumes.length &&
    !others.addContainers.length &&
    !others.again.length &&
    !others.removed.length &&
    !rerun.size &&
    !plan.steps.remove.length &&
    !changedInputs.length;
  return {
    plan,
    added,
    replaced,
    restored,
    removed: removed.map((r) => slot(r.name, r.index)),
    rerun: [...rerun],
    others,
  } satisfies PlanDetail;
}

const current = (runtime: StackRuntime, stack: Stack): StackState => ({
  document: stack.document as TemplateDocument,
  version: stack.templateVersion,
  values: stackInputs(runtime, stack),
});

/** The state an update asks for: a template version (default: the stack's) and changed inputs. */
async function wanted(runtime: StackRuntime, stack: Stack, req: UpdateStackRequest): Promise<StackState> {
  let document = stack.document as TemplateDocument;
  let version = stack.templateVersion;
  if (req.version !== undefined || stack.templateId) {
    if (!stack.templateId)
      throw new DomainError(
        'conflict',
        'template_gone',
        `The template ${stack.name} was deployed from has been deleted; only its inputs can change.`,
      );
    const loaded = await loadTemplateVersion(runtime.db, stack.organizationId, stack.templateId, req.version);
    document = documentOf(loaded.source, 'body.version');
    version = loaded.version;
  }
  const declared = new Set(Object.keys(document.inputs ?? {}));
  const kept = Object.fromEntries(
    Object.entries(stackInputs(runtime, stack)).filter(([k]) => declared.has(k)),
  );
  return { document, version, values: resolveInputs(document, { ...kept, ...(req.inputs ?? {}) }) };
}

async function loadStack(runtime: StackRuntime, organizationId: string, stackId: string) {
  const stack = await repos(runtime.db).stacks.getInOrg(organizationId, stackId);
  const [rows, steps] = await Promise.all([
    runtime.db.prisma.stackResource.findMany({ where: { stackId } }),
    runtime.db.prisma.stackStep.findMany({ where: { stackId } }),
  ]);
  return { stack, rows, steps };
}

/** What an update would change, without changing anything. */
export async function planStackUpdate(
  runtime: StackRuntime,
  organizationId: string,
  stackId: string,
  req: UpdateStackRequest,
): Promise<StackPlan> {
  const { stack, rows, steps } = await loadStack(runtime, organizationId, stackId);
  return planOf(stack, rows, steps, current(runtime, stack), await wanted(runtime, stack, req)).plan;
}

/** Updates a deployed (or failed) stack to another template version or other inputs. */
export async function updateStack(
  runtime: StackRuntime,
  actor: OrgActor,
  caller: Principal | null,
  stackId: string,
  req: UpdateStackRequest,
): Promise<StackPlan> {
  const loaded = await loadStack(runtime, actor.organizationId, stackId);
  return applyState(runtime, actor, caller, loaded, await wanted(runtime, loaded.stack, req), 'stack.update');
}

/** Returns the stack to what it was before its last update (the rolled-back state can be returned to). */
export async function rollbackStack(
  runtime: StackRuntime,
  actor: OrgActor,
  caller: Principal | null,
  stackId: string,
): Promise<StackPlan> {
  const loaded = await loadStack(runtime, actor.organizationId, stackId);
  const { stack } = loaded;
  const previous = stack.previous as StoredState | null;
  if (!previous)
    throw new DomainError(
      'conflict',
      'nothing_to_roll_back',
      `The stack ${stack.name} has not been updated, so there is nothing to roll back to.`,
    );
  const values = stackInputs(runtime, {
    id: stack.id,
    inputs: previous.inputs,
    secretInputs: previous.secretInputs,
  });
  return applyState(
    runtime,
    actor,
    caller,
    loaded,
    { document: previous.document, version: previous.version, values },
    'stack.rollback',
  );
}

async function applyState(
  runtime: StackRuntime,
  actor: OrgActor,
  caller: Principal | null,
  { stack, rows, steps }: Awaited<ReturnType<typeof loadStack>>,
  to: StackState,
  action: 'stack.update' | 'stack.rollback',
): Promise<StackPlan> {
  const { db } = runtime;
  const stackId = stack.id;
  if (stack.status !== 'deployed' && stack.status !== 'failed')
    throw new DomainError(
      'conflict',
      'stack_busy',
      `The stack ${stack.name} is ${stack.status}; it can change once it is deployed or has failed.`,
    );
  if (action === 'stack.update' && rows.some((r) => r.status === 'retiring' || r.retiredMachineId))
    throw new DomainError(
      'conflict',
      'update_unfinished',
      `The last update of ${stack.name} did not finish; roll it back, or retry its failed steps, before updating again.`,
    );
  const detail = planOf(stack, rows, steps, current(runtime, stack), to);
  if (detail.plan.unchanged)
    throw new DomainError(
      'conflict',
      'nothing_to_update',
      `Version ${to.version} with these inputs is what ${stack.name} already runs; nothing would change.`,
    );
  const making = [...detail.added, ...detail.replaced];
  const clouds = await cloudsToCreateIn(db, actor.organizationId, caller, making);
  const { others } = detail;
  // A new volume goes in its machine's cloud, whether that machine is new or kept.
  const machineClouds = new Map(clouds);
  for (const spec of machineSpecs(to.document, to.values, stack))
    if (!machineClouds.has(spec.label) && others.addVolumes.some((v) => v.attach.label === spec.label))
      machineClouds.set(
        spec.label,
        await cloudNamed(db, actor.organizationId, spec.cloud, `machine ${spec.resource}`),
      );
  const otherClouds = await volumeAndContainerClouds(
    db,
    actor.organizationId,
    caller,
    { volumes: others.addVolumes, containers: others.addContainers },
    machineClouds,
    null,
  );
  const summary = {
    name: stack.name,
    fromVersion: detail.plan.fromVersion,
    toVersion: detail.plan.toVersion,
    add: detail.plan.machines.add,
    replace: detail.plan.machines.replace.map((r) => r.name),
    remove: detail.plan.machines.remove,
    volumes: detail.plan.volumes,
    containers: detail.plan.containers,
    steps: detail.plan.steps.run,
  };
  // New and replacing machines are one request to the quotas, refused whole before any change.
  await governCreations(
    runtime,
    actor,
    [
      ...making.map((s) => creationOf(s, clouds.get(s.label)!)),
      ...others.addContainers.map((s) => containerCreationOf(s, otherClouds.containers.get(s.label)!)),
    ],
    { action, resourceKind: 'stack', resourceId: stackId, details: summary },
    async (verdict) => {
      const estimate = (spec: MachineSpec) => {
        const e = verdict?.estimates[making.indexOf(spec)];
        return { vcpus: e?.vcpus ?? null, costMonthly: e?.cents == null ? null : fromCents(e.cents) };
      };
      const secrets = new Set(secretInputs(to.document));
      const open = Object.fromEntries(Object.entries(to.values).filter(([k]) => !secrets.has(k)));
      const sealed = Object.fromEntries(Object.entries(to.values).filter(([k]) => secrets.has(k)));
      const byslot = new Map(rows.map((r) => [slot(r.name, r.index), r]));
      const fromSteps = new Map(steps.map((s) => [s.name, s]));
      const toStepNames = Object.keys(to.document.steps ?? {});
      await db.prisma.$transaction(async (tx) => {
        const previous: StoredState = {
          document: stack.document as TemplateDocument,
          version: stack.templateVersion,
          inputs: stack.inputs as Record<string, string>,
          secretInputs: stack.secretInputs,
        };
        // Claimed as it was read: a second update (or a destroy) started meanwhile wins, this one stops.
        const claimed = await tx.stack.updateMany({
          where: { id: stackId, status: stack.status, generation: stack.generation },
          data: {
            document: to.document as object,
            templateVersion: to.version,
            inputs: open,
            secretInputs: secrets.size ? sealedInputs(runtime, stackId, sealed) : null,
            previous: previous as object,
            generation: { increment: 1 },
            status: 'deploying',
            error: null,
            finishedAt: null,
          },
        });
        if (claimed.count === 0)
          throw new DomainError(
            'conflict',
            'stack_busy',
            `The stack ${stack.name} changed meanwhile; try again.`,
          );
        if (detail.added.length)
          await tx.stackResource.createMany({
            data: detail.added.map((s) => ({
              stackId,
              name: s.resource,
              index: s.index,
              cloudId: clouds.get(s.label)!.id,
              ...estimate(s),
            })),
          });
        for (const spec of detail.replaced) {
          const row = byslot.get(slot(spec.resource, spec.index))!;
          await tx.stackResource.update({
            where: { id: row.id },
            data: {
              // The machine it replaces stays until the update has finished.
              retiredMachineId: row.machineId ?? row.retiredMachineId,
              machineId: null,
              status: 'pending',
              address: null,
              error: null,
              cloudId: clouds.get(spec.label)!.id,
              ...estimate(spec),
            },
          });
        }
        for (const row of detail.restored)
          await tx.stackResource.update({
            where: { id: row.id },
            data:
              row.status === 'retiring'
                ? { status: 'pending', error: null }
                : {
                    // The replacement (if one was made) becomes the machine to destroy.
                    machineId: row.retiredMachineId,
                    retiredMachineId: row.machineId,
                    status: 'pending',
                    address: null,
                    error: null,
                  },
          });
        await applyOtherResources(tx, stackId, others, otherClouds);
        for (const key of detail.removed) {
          const row = byslot.get(key);
          if (!row) continue;
          if (row.machineId || row.retiredMachineId)
            await tx.stackResource.update({ where: { id: row.id }, data: { status: 'retiring' } });
          else await tx.stackResource.delete({ where: { id: row.id } });
        }
        const gone = steps.filter((s) => !toStepNames.includes(s.name));
        if (gone.length) {
          await tx.stackStep.deleteMany({ where: { id: { in: gone.map((s) => s.id) } } });
          const scripts = gone.flatMap((s) => (s.scriptId ? [s.scriptId] : []));
          if (scripts.length)
            await tx.script.deleteMany({
              where: { organizationId: stack.organizationId, id: { in: scripts } },
            });
        }
        for (const name of detail.rerun) {
          const had = fromSteps.get(name);
          if (!had) {
            await tx.stackStep.create({ data: { stackId, name } });
            continue;
          }
          await tx.stackStep.update({ where: { id: had.id }, data: STEP_AGAIN });
        }
      });
    },
    { subject: 'this update' },
  );
  await recordAudit(db, actor, { action, resourceKind: 'stack', resourceId: stackId, details: summary });
  await startMachinesFlow(runtime, stackId);
  await announceStack(runtime.redis, actor.organizationId, stackId, 'stack', stack.name, 'deploying');
  return detail.plan;
}

type Tx = Parameters<Parameters<StackRuntime['db']['prisma']['$transaction']>[0]>[0];

/** The rows of an update's volumes and containers: new ones, ones made again, moved, removed. */
async function applyOtherResources(
  tx: Tx,
  stackId: string,
  others: OtherResourcesPlan,
  clouds: { volumes: Map<string, Cloud>; containers: Map<string, Cloud> },
) {
  const row = (kind: string, s: { resource: string; index: number; label: string }, cloud: Cloud) => ({
    stackId,
    kind,
    name: s.resource,
    index: s.index,
    cloudId: cloud.id,
  });
  await tx.stackResource.createMany({
    data: [
      ...others.addVolumes.map((s) => row('volume', s, clouds.volumes.get(s.label)!)),
      ...others.addContainers.map((s) => row('container', s, clouds.containers.get(s.label)!)),
    ],
  });
  // A volume that exists is attached again (to the new machine); anything else is made again.
  for (const r of [...others.again, ...others.reattach])
    await tx.stackResource.update({
      where: { id: r.id },
      data: { status: r.kind === 'volume' && r.externalId ? 'created' : 'pending', error: null },
    });
  for (const r of others.removed) {
    if (r.machineId || r.externalId)
      await tx.stackResource.update({ where: { id: r.id }, data: { status: 'retiring' } });
    else await tx.stackResource.delete({ where: { id: r.id } });
  }
}
