import type { RemoteMachine, ScriptRun, TemplateDocument } from '@overcast/contracts';
import type { Stack, StackResource } from '@overcast/db';
import type { OrgActor } from '../audit';
import { decide, type OnBehalfOf, onBehalfOf } from '../authz';
import { createScript, getScriptRun, startScriptRun, updateScript } from '../automation';
import { driverOf } from '../clouds';
import { DomainError } from '../errors';
import { createMachine, machineAction, storeCreatedMachine } from '../machines';
import { keyLoader, machineLogin, machineRoute, openRouteSsh } from '../ssh-access';
import { cloudNamed, enqueueStep, keyNamed, type StackRuntime, stackInputs } from './deploy';
import { announceStack } from './events';
import { substitute } from './references';
import { type MachineSpec, machineSpecs } from './specs';

/** How long a new machine may take to answer over SSH before its resource fails. */
const SSH_WAIT_MS = 10 * 60_000;

/** The person a stack acts for, checked again each time it acts; refuses if they left. */
async function actorOf(runtime: StackRuntime, stack: Stack): Promise<{ actor: OrgActor; who: OnBehalfOf }> {
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

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function specOf(runtime: StackRuntime, stack: Stack, row: StackResource): MachineSpec {
  const spec = machineSpecs(stack.document as TemplateDocument, stackInputs(runtime, stack), stack).find(
    (s) => s.resource === row.name && s.index === row.index,
  );
  if (!spec)
    throw new DomainError('conflict', 'stack_busy', `The template no longer has the machine ${row.name}.`);
  return spec;
}

async function setResource(
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
 * A machine a previous attempt made before it could record it: stored by a poll already, or
 * still only at the provider, found by the stack's tags either way.
 */
async function findMade(
  runtime: StackRuntime,
  actor: OrgActor,
  stack: Stack,
  spec: MachineSpec,
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
    [stack.organizationId, cloudId, stack.id, spec.label, retiredMachineId],
  );
  if (rows[0]) return rows[0].id;
  const cloud = await runtime.db.prisma.cloud.findUniqueOrThrow({ where: { id: cloudId } });
  const driver = await driverOf(runtime, cloud);
  let found: RemoteMachine | null = null;
  for await (const m of driver.listMachines(new AbortController().signal)) {
    const isRetired = retired?.cloudId === cloudId && retired.externalId === m.externalId;
    if (m.tags['stack-id'] === stack.id && m.tags['stack-resource'] === spec.label && !isRetired) found = m;
  }
  if (!found) return null;
  const stored = await storeCreatedMachine(runtime, actor, cloud, found, {
    sshKeyId: null,
    audit: { name: found.name, stack: stack.name, adopted: true },
  });
  return stored.id;
}

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
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  let row = await runtime.db.prisma.stackResource.findUnique({ where: { id: resourceId } });
  if (!stack || !row || stack.status !== 'deploying' || row.status === 'ready' || row.status === 'failed')
    return;
  const spec = specOf(runtime, stack, row);
  try {
    const { actor, who } = await actorOf(runtime, stack);
    const cloud = await cloudNamed(runtime.db, stack.organizationId, spec.cloud, spec.resource);
    if (
      who.principal &&
      !decide(who.principal, 'machines', 'create', { cloudId: cloud.id, tags: spec.request.tags ?? {} })
    )
      throw new DomainError(
        'forbidden',
        'not_allowed',
        `${who.label} may no longer create machines in ${cloud.title}.`,
      );
    if (!row.machineId) {
      const made =
        row.status === 'creating'
          ? await findMade(runtime, actor, stack, spec, cloud.id, row.retiredMachineId)
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

/** The flow's parent: every machine is done; the steps that wait on no other start. */
export async function stackMachinesDone(runtime: StackRuntime, stackId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (!stack || stack.status !== 'deploying') return;
  const failed = await runtime.db.prisma.stackResource.findMany({
    where: { stackId, status: { notIn: ['ready', 'retiring'] } },
  });
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

/** What references resolve to now: inputs, machine addresses, outputs of finished steps. */
async function referenceValues(runtime: StackRuntime, stack: Stack) {
  const [resources, steps] = await Promise.all([
    runtime.db.prisma.stackResource.findMany({ where: { stackId: stack.id }, orderBy: { index: 'asc' } }),
    runtime.db.prisma.stackStep.findMany({ where: { stackId: stack.id, status: 'succeeded' } }),
  ]);
  const machines: Record<string, string[]> = {};
  for (const r of resources) {
    if (!r.address || r.status === 'retiring') continue;
    machines[r.name] = [...(machines[r.name] ?? []), r.address];
  }
  return {
    inputs: stackInputs(runtime, stack),
    machines,
    steps: Object.fromEntries(steps.map((s) => [s.name, s.output])),
  };
}

/** Starts every waiting step whose steps before it all succeeded; closes the stack when all are done. */
export async function advanceStack(runtime: StackRuntime, stackId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (!stack || stack.status !== 'deploying') return;
  const doc = stack.document as TemplateDocument;
  const steps = await runtime.db.prisma.stackStep.findMany({ where: { stackId } });
  const status = new Map(steps.map((s) => [s.name, s.status]));
  for (const step of steps) {
    if (step.status !== 'waiting') continue;
    const after = doc.steps?.[step.name]?.after ?? [];
    if (after.every((a) => status.get(a) === 'succeeded')) await enqueueStep(runtime, stackId, step);
  }
  if (steps.every((s) => s.status === 'succeeded')) {
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
  } else if (steps.some((s) => s.status === 'failed') && !steps.some((s) => s.status === 'running')) {
    const failed = steps.filter((s) => s.status === 'failed');
    await finishStack(runtime, stack, 'failed', failed.map((s) => `step ${s.name}: ${s.error}`).join('; '));
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
  const def = (stack.document as TemplateDocument).steps![name]!;
  const body = {
    kind: def.kind === 'executable' ? ('executable' as const) : ('shell' as const),
    body: def.script,
    parameters: Object.keys(def.env ?? {}).map((p) => ({ name: p })),
  };
  if (existing) return (await updateScript(runtime.db, actor, existing, body)).id;
  return (
    await createScript(runtime.db, actor, {
      name: `stack ${stack.name}: ${name}`,
      description: `Step ${name} of the stack ${stack.name}; changed by the stack.`,
      ...body,
    })
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

/** Destroys one machine the stack made, for the stack's person; one already gone is skipped. */
async function destroyMade(
  runtime: StackRuntime,
  who: { actor: OrgActor; who: OnBehalfOf },
  machineId: string,
): Promise<void> {
  const machine = await runtime.db.prisma.machine.findUnique({ where: { id: machineId } });
  if (machine && machine.state !== 'terminated' && machine.state !== 'missing')
    await machineAction(runtime, who.actor, machineId, { action: 'destroy' }, who.who);
}

const machineName = async (runtime: StackRuntime, id: string, fallback: string) =>
  (await runtime.db.prisma.machine.findUnique({ where: { id }, select: { name: true } }))?.name ?? fallback;

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
  for (const row of rows) {
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
      for (const id of made) await destroyMade(runtime, acting, id);
      if (removed) await rowsDb.delete({ where: { id: row.id } });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      problems.push(`${await machineName(runtime, made[0]!, row.name)}: ${err.message}`);
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

/** Destroys the machines the stack recorded making, one by one; a machine already gone is skipped. */
export async function runStackDestroy(runtime: StackRuntime, stackId: string): Promise<void> {
  const stack = await runtime.db.prisma.stack.findUnique({ where: { id: stackId } });
  if (!stack || stack.status !== 'destroying') return;
  const acting = await actorOf(runtime, stack);
  const rows = await runtime.db.prisma.stackResource.findMany({
    where: { stackId, status: { not: 'destroyed' } },
  });
  const problems: string[] = [];
  await Promise.all(
    rows.map(async (row) => {
      const label = `${row.name}-${row.index + 1}`;
      // A machine an unfinished update was replacing is the stack's too.
      const made = [row.machineId, row.retiredMachineId].filter((id): id is string => !!id);
      try {
        for (const id of made) await destroyMade(runtime, acting, id);
        await setResource(runtime, stack, row, label, {
          status: 'destroyed',
          error: null,
          retiredMachineId: null,
        });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        problems.push(`${await machineName(runtime, made[0]!, label)}: ${err.message}`);
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
