import type { ScriptRun, TemplateDocument } from '@overcast/contracts';
import type { Stack, StackResource } from '@overcast/db';
import type { OrgActor } from '../audit';
import type { OnBehalfOf } from '../authz';
import { createScript, getScriptRun, startScriptRun, updateScript } from '../automation';
import { DomainError } from '../errors';
import { createMachine, machineAction } from '../machines';
import { keyLoader, machineLogin, machineRoute, openRouteSsh } from '../ssh-access';
import { keyNamed } from './clouds';
import { enqueueContainer, enqueueStep, type StackRuntime, stackInputs, unreadyResources } from './deploy';
import { announceStack } from './events';
import { secretInputs } from './inputs';
import { actorOf, creatorIn, errorText, findMade, jobTarget, setResource, specOf } from './made';
import { referencesIn, substitute } from './references';
import { destroyStackVolume, runStackContainer } from './resource-jobs';

/** How long a new machine may take to answer over SSH before its resource fails. */
const SSH_WAIT_MS = 10 * 60_000;

/**
 * One machine of a stack: made once (a row in "creating" with no machine is looked for at the
 * provider before anything is made again), then waited for until it answers over SSH.
 * Failures that retrying cannot fix are recorded on the resource; others throw for a retry.
 */
export async function runStackMachine(
  runtime: StackRuntime,
  stackId: string,
  resourceId: string,
): Promise<void> {
  const target = await jobTarget(runtime, stackId, resourceId);
  if (!target) return;
  const { stack } = target;
  let { row } = target;
  const spec = specOf(runtime, stack, row, 'machine');
  try {
    const { actor, cloud } = await creatorIn(runtime, stack, 'machine', spec, spec.request.tags ?? {});
    if (!row.machineId) {
      const made =
        row.status === 'creating'
          ? await findMade(runtime, actor, stack, spec.label, cloud.id, row.retiredMachineId)
          : null;
      if (made) await setResource(runtime, stack, row, spec.label, { machineId: made, status: 'created' });
      else {
        await setResource(runtime, stack, row, spec.label, { status: 'creating', cloudId: cloud.id });
        const key = spec.key
          ? await keyNamed(runtime.db, stack.organizationId, spec.key, spec.resource)
          : null;
        // The wizard's own path: the same checks (and any added to it) apply to stacks.
        const machine = await createMachine(
          runtime,
          actor,
          cloud.id,
          { ...spec.request, ...(key ? { sshKeyId: key.id } : {}) },
          stack.overBudgetApproved ? { skipQuotas: ['budget'] } : {},
        );
        await setResource(runtime, stack, row, spec.label, { machineId: machine.id, status: 'created' });
      }
      row = await runtime.db.prisma.stackResource.findUniqueOrThrow({ where: { id: resourceId } });
    }
    const address = await waitForSsh(runtime, row.machineId!);
    await setResource(runtime, stack, row, spec.label, { status: 'ready', address, error: null });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await setResource(runtime, stack, row, spec.label, { status: 'failed', error: err.message });
  }
}

/** Polls the machine (its address comes with the cloud's polls) until an SSH login succeeds. */
async function waitForSsh(runtime: StackRuntime, machineId: string): Promise<string> {
  const deadline = Date.now() + SSH_WAIT_MS;
  let last = 'it has no address yet';
  for (;;) {
    const machine = await runtime.db.prisma.machine.findUniqueOrThrow({ where: { id: machineId } });
    const cloud = await runtime.db.prisma.cloud.findUniqueOrThrow({ where: { id: machine.cloudId } });
    try {
      const route = machineRoute(machine, cloud);
      if (route.via !== 'ssh') return machine.privateIps[0] ?? machine.publicIps[0] ?? '';
      const login = await machineLogin(
        runtime.box,
        machine,
        cloud,
        keyLoader(runtime, machine.organizationId),
      );
      const { conn } = await openRouteSsh(runtime, machine, route, login, { connectTimeoutMs: 5_000 });
      await conn.close().catch(() => {});
      return route.address;
    } catch (err) {
      last = errorText(err);
    }
    if (Date.now() > deadline)
      throw new DomainError(
        'provider_timeout',
        'provider_timeout',
        `${machine.name} did not answer over SSH in time: ${last}`,
      );
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The flow's parent: every machine and volume is done; the steps and containers that wait on no step start. */
export async function stackMachinesDone(runtime: StackRuntime, stackId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (!stack || stack.status !== 'deploying') return;
  const failed = await runtime.db.prisma.stackResource.findMany({ where: unreadyResources(stackId) });
  if (failed.length > 0) {
    await finishStack(
      runtime,
      stack,
      'failed',
      failed.map((r) => `${r.name}: ${r.error ?? r.status}`).join('; '),
    );
    return;
  }
  await advanceStack(runtime, stackId);
}

async function finishStack(
  runtime: StackRuntime,
  stack: Stack,
  status: 'deployed' | 'failed',
  error: string | null,
  outputs?: Record<string, string>,
) {
  await runtime.db.prisma.stack.update({
    where: { id: stack.id },
    data: { status, error, finishedAt: new Date(), ...(outputs ? { outputs } : {}) },
  });
  await announceStack(runtime.redis, stack.organizationId, stack.id, 'stack', stack.name, status);
}

/** What references resolve to now: inputs, machine addresses, volume ids, outputs of finished steps. */
async function referenceValues(runtime: StackRuntime, stack: Stack) {
  const [resources, steps] = await Promise.all([
    runtime.db.prisma.stackResource.findMany({ where: { stackId: stack.id }, orderBy: { index: 'asc' } }),
    runtime.db.prisma.stackStep.findMany({ where: { stackId: stack.id, status: 'succeeded' } }),
  ]);
  const machines: Record<string, string[]> = {};
  const volumes: Record<string, string[]> = {};
  for (const r of resources) {
    if (r.status === 'retiring') continue;
    if (r.kind === 'machine' && r.address) machines[r.name] = [...(machines[r.name] ?? []), r.address];
    if (r.kind === 'volume' && r.externalId) volumes[r.name] = [...(volumes[r.name] ?? []), r.externalId];
  }
  return {
    inputs: stackInputs(runtime, stack),
    machines,
    volumes,
    steps: Object.fromEntries(steps.map((s) => [s.name, s.output])),
  };
}

/** A container's job: its env filled from what the stack knows now, then the container made. */
export async function runStackContainerJob(runtime: StackRuntime, stackId: string, resourceId: string) {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (stack?.status !== 'deploying') return;
  await runStackContainer(runtime, stackId, resourceId, await referenceValues(runtime, stack));
  await advanceStack(runtime, stackId);
}

/** Starts every waiting step whose steps before it all succeeded; closes the stack when all are done. */
export async function advanceStack(runtime: StackRuntime, stackId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (!stack || stack.status !== 'deploying') return;
  // Nothing starts or finishes before every machine and volume is ready (the flow's parent says when).
  const unready = await runtime.db.prisma.stackResource.count({ where: unreadyResources(stackId) });
  if (unready) return;
  const doc = stack.document as TemplateDocument;
  const steps = await runtime.db.prisma.stackStep.findMany({ where: { stackId } });
  const containers = await runtime.db.prisma.stackResource.findMany({
    where: { stackId, kind: 'container', status: { not: 'retiring' } },
  });
  const status = new Map(steps.map((s) => [s.name, s.status]));
  const cleared = (after: string[]) => after.every((a) => status.get(a) === 'succeeded');
  for (const step of steps) {
    if (step.status !== 'waiting') continue;
    if (cleared(doc.steps?.[step.name]?.after ?? [])) await enqueueStep(runtime, stackId, step);
  }
  for (const c of containers) {
    if (c.status === 'ready' || c.status === 'failed') continue;
    if (cleared(doc.resources.containers?.[c.name]?.after ?? []))
      await enqueueContainer(runtime, stack, c.id);
  }
  const containersFailed = containers.filter((c) => c.status === 'failed');
  if (steps.every((s) => s.status === 'succeeded') && containers.every((c) => c.status === 'ready')) {
    // An update's machines all answer and its steps ran: what it replaced or removed goes now.
    const problems = await retireMachines(runtime, stack);
    if (problems.length) {
      await finishStack(runtime, stack, 'failed', `Not destroyed: ${problems.join('; ')}`);
      return;
    }
    const values = await referenceValues(runtime, stack);
    const outputs = Object.fromEntries(
      Object.entries(doc.outputs ?? {}).map(([k, v]) => {
        try {
          return [k, substitute(v, values)];
        } catch (err) {
          return [k, `(${errorText(err)})`];
        }
      }),
    );
    await finishStack(runtime, stack, 'deployed', null, outputs);
  } else if (
    (steps.some((s) => s.status === 'failed') || containersFailed.length) &&
    !steps.some((s) => s.status === 'running') &&
    !containers.some((c) => c.status === 'creating')
  ) {
    const failed = steps.filter((s) => s.status === 'failed');
    await finishStack(
      runtime,
      stack,
      'failed',
      [
        ...failed.map((s) => `step ${s.name}: ${s.error}`),
        ...containersFailed.map((c) => `container ${c.name}: ${c.error}`),
      ].join('; '),
    );
  }
}

/** The script a step runs, kept as one of the organization's scripts (so its kind's runner applies). */
async function stepScript(
  runtime: StackRuntime,
  actor: OrgActor,
  stack: Stack,
  name: string,
  existing: string | null,
) {
  const doc = stack.document as TemplateDocument;
  const def = doc.steps![name]!;
  // A value made from a secret input is never shown with the run.
  const secrets = new Set(secretInputs(doc));
  const parameters = Object.entries(def.env ?? {}).map(([p, text]) =>
    referencesIn(text).some(({ ref }) => ref?.kind === 'input' && secrets.has(ref.name))
      ? { name: p, secret: true }
      : { name: p },
  );
  const body =
    def.kind === 'ansible'
      ? { kind: 'ansible' as const, body: def.playbook, requirements: def.requirements ?? null, parameters }
      : {
          kind: def.kind === 'executable' ? ('executable' as const) : ('shell' as const),
          body: def.script,
          requirements: null,
          parameters,
        };
  // The playbook's author was held to the ansible check when the template version was saved.
  const options = { playbookFromTemplate: true };
  if (existing) return (await updateScript(runtime.db, actor, existing, body, options)).id;
  return (
    await createScript(
      runtime.db,
      actor,
      {
        name: `stack ${stack.name}: ${name}`,
        description: `Step ${name} of the stack ${stack.name}; changed by the stack.`,
        ...body,
      },
      options,
    )
  ).id;
}

/**
 * One step: its script runs on its machines through the script-run machinery (queued on the
 * scripts queue, authorized for the stack's person as it runs), then its output is recorded.
 * A restarted job finds the run it started and waits for it instead of starting another.
 */
export async function runStackStep(runtime: StackRuntime, stackId: string, stepId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  let step = await runtime.db.prisma.stackStep.findUnique({ where: { id: stepId } });
  if (
    !stack ||
    !step ||
    stack.status !== 'deploying' ||
    step.status === 'succeeded' ||
    step.status === 'failed'
  )
    return;
  const fail = async (error: string) => {
    await runtime.db.prisma.stackStep.update({
      where: { id: stepId },
      data: { status: 'failed', error, finishedAt: new Date() },
    });
    await announceStack(runtime.redis, stack.organizationId, stackId, 'step', step!.name, 'failed');
  };
  try {
    if (!step.scriptRunId) {
      const { actor, who } = await actorOf(runtime, stack);
      const def = (stack.document as TemplateDocument).steps![step.name]!;
      const values = await referenceValues(runtime, stack);
      const params = Object.fromEntries(
        Object.entries(def.env ?? {}).map(([k, v]) => [k, substitute(v, values)]),
      );
      const machines = await runtime.db.prisma.stackResource.findMany({
        where: { stackId, name: { in: def.on }, machineId: { not: null } },
      });
      const scriptId = await stepScript(runtime, actor, stack, step.name, step.scriptId);
      const runId = await startScriptRun(runtime, actor, {
        scriptId,
        targets: { machineIds: machines.map((m) => m.machineId!) },
        params,
        ...(def.timeoutSeconds ? { timeoutSeconds: def.timeoutSeconds } : {}),
        caller: who.principal,
      });
      step = await runtime.db.prisma.stackStep.update({
        where: { id: stepId },
        data: { status: 'running', scriptId, scriptRunId: runId, startedAt: new Date() },
      });
      await announceStack(runtime.redis, stack.organizationId, stackId, 'step', step.name, 'running');
    }
    const run = await finishedRun(runtime, stack.organizationId, step.scriptRunId!);
    const first = run.targets[0];
    if (run.status === 'succeeded') {
      await runtime.db.prisma.stackStep.update({
        where: { id: stepId },
        data: {
          status: 'succeeded',
          output: (first?.stdout ?? '').trim(),
          error: null,
          finishedAt: new Date(),
        },
      });
      await announceStack(runtime.redis, stack.organizationId, stackId, 'step', step.name, 'succeeded');
    } else {
      const bad = run.targets.filter((t) => t.status !== 'succeeded');
      await fail(
        bad
          .map(
            (t) =>
              `${t.machineName}: ${t.error ?? t.status}${t.stderr ? ` (${t.stderr.trim().slice(-500)})` : ''}`,
          )
          .join('; '),
      );
    }
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await fail(err.message);
  }
  await advanceStack(runtime, stackId);
}

async function finishedRun(runtime: StackRuntime, organizationId: string, runId: string): Promise<ScriptRun> {
  for (;;) {
    const run = await getScriptRun(runtime.db, organizationId, runId);
    if (run.finishedAt) return run;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Destroys one machine the stack made, for the stack's person; one terminated is skipped. */
async function destroyMade(
  runtime: StackRuntime,
  who: { actor: OrgActor; who: OnBehalfOf },
  machineId: string,
): Promise<void> {
  const machine = await runtime.db.prisma.machine.findUnique({ where: { id: machineId } });
  // A missing one too: the provider says whether it is really gone.
  if (machine && machine.state !== 'terminated')
    await machineAction(runtime, who.actor, machineId, { action: 'destroy' }, who.who);
}

const machineName = async (runtime: StackRuntime, id: string | undefined, fallback: string) =>
  (id ? await runtime.db.prisma.machine.findUnique({ where: { id }, select: { name: true } }) : null)?.name ??
  fallback;

/** Destroys what a row made: its volume, or its machine or container (and one an update was replacing). */
async function destroyRow(
  runtime: StackRuntime,
  acting: { actor: OrgActor; who: OnBehalfOf },
  row: StackResource,
  made: string[],
): Promise<void> {
  if (row.kind === 'volume') await destroyStackVolume(runtime, acting, row);
  for (const id of made) await destroyMade(runtime, acting, id);
}

/** Volumes first: they are detached from their machines before those go. */
const volumesFirst = (rows: StackResource[]) => [
  rows.filter((r) => r.kind === 'volume'),
  rows.filter((r) => r.kind !== 'volume'),
];

/**
 * After an update: destroys the machines it replaced and those of resources it removed. Each is
 * claimed first, so two jobs finishing together never destroy one twice. Returns what failed.
 */
async function retireMachines(runtime: StackRuntime, stack: Stack): Promise<string[]> {
  const rows = await runtime.db.prisma.stackResource.findMany({
    where: { stackId: stack.id, OR: [{ status: 'retiring' }, { retiredMachineId: { not: null } }] },
  });
  if (!rows.length) return [];
  const acting = await actorOf(runtime, stack);
  const problems: string[] = [];
  const rowsDb = runtime.db.prisma.stackResource;
  for (const row of volumesFirst(rows).flat()) {
    const removed = row.status === 'retiring';
    const claimed = removed
      ? await rowsDb.updateMany({ where: { id: row.id, status: 'retiring' }, data: { status: 'destroying' } })
      : await rowsDb.updateMany({
          where: { id: row.id, retiredMachineId: row.retiredMachineId },
          data: { retiredMachineId: null },
        });
    if (!claimed.count) continue;
    const made = [row.retiredMachineId, ...(removed ? [row.machineId] : [])].filter(
      (id): id is string => !!id,
    );
    try {
      await destroyRow(runtime, acting, row, made);
      if (removed) await rowsDb.delete({ where: { id: row.id } });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      problems.push(`${await machineName(runtime, made[0], row.name)}: ${err.message}`);
      // Kept, so the next update, a rollback or the stack's destroy tries again.
      await rowsDb.update({
        where: { id: row.id },
        data: removed
          ? { status: 'retiring', error: err.message }
          : { retiredMachineId: row.retiredMachineId },
      });
    }
  }
  return problems;
}

/**
 * Destroys the volumes, machines and containers the stack recorded making (volumes first, each
 * detached), and nothing else; one already gone is skipped.
 */
export async function runStackDestroy(runtime: StackRuntime, stackId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (!stack || stack.status !== 'destroying') return;
  const acting = await actorOf(runtime, stack);
  const rows = await runtime.db.prisma.stackResource.findMany({
    where: { stackId, status: { not: 'destroyed' } },
  });
  const problems: string[] = [];
  for (const batch of volumesFirst(rows))
    await Promise.all(
      batch.map(async (row) => {
        const label = `${row.name}-${row.index + 1}`;
        // A machine an unfinished update was replacing is the stack's too.
        const made = [row.machineId, row.retiredMachineId].filter((id): id is string => !!id);
        try {
          await destroyRow(runtime, acting, row, made);
          await setResource(runtime, stack, row, label, {
            status: 'destroyed',
            error: null,
            retiredMachineId: null,
          });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          problems.push(`${await machineName(runtime, made[0], `${row.kind} ${label}`)}: ${err.message}`);
          await setResource(runtime, stack, row, label, { status: 'failed', error: err.message });
        }
      }),
    );
  const steps = await runtime.db.prisma.stackStep.findMany({ where: { stackId, scriptId: { not: null } } });
  await runtime.db.prisma.script.deleteMany({
    where: { organizationId: stack.organizationId, id: { in: steps.map((s) => s.scriptId!) } },
  });
  const status = problems.length ? 'failed' : 'destroyed';
  await runtime.db.prisma.stack.update({
    where: { id: stackId },
    data: {
      status,
      error: problems.length ? `Not destroyed: ${problems.join('; ')}` : null,
      finishedAt: new Date(),
    },
  });
  await announceStack(runtime.redis, stack.organizationId, stackId, 'stack', stack.name, status);
}
