import type {
  ScriptParameter,
  ScriptRunSummary,
  ScriptRun as ScriptRunView,
  TargetSelector,
} from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { type Actor, recordAudit } from '../audit';
import { allowedIds, machinesAllowed, mayDo, notAllowedReason, type Principal } from '../authz';
import { DomainError, notFound } from '../errors';
import { queueWithin } from './queue-timeout';
import { resolveTargets } from './targets';

/** What a run's record shows of its parameters: a secret one's name, never its value. */
function shownParameters(
  declared: ScriptParameter[],
  values: Record<string, string>,
): Record<string, string> {
  const secret = new Set(declared.filter((p) => p.secret).map((p) => p.name));
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secret.has(k) ? SECRET_SHOWN : v]));
}

/** Stands in for a secret parameter's value wherever a run is shown. */
export const SECRET_SHOWN = '(secret)';

/** Records a run and queues it on the `scripts` queue the worker runs script runs from. */
export type ScriptRunRuntime = Pick<Runtime, 'db' | 'settings' | 'queues'>;

export interface StartScriptRunInput {
  scriptId: string;
  targets: TargetSelector;
  params?: Record<string, string>;
  /** At most the automation.scriptTimeoutSeconds setting (the default). */
  timeoutSeconds?: number;
  /** Set when a schedule started the run. */
  scheduleRunId?: string;
  /**
   * The person starting it (also the actor's userId): their team policies limit which machines it
   * reaches, now and again when the worker runs it. Null only for the platform itself.
   */
  caller: Principal | null;
}

export interface ScriptRunJobData {
  runId: string;
}

/** Names the platform sets itself; a parameter may not replace them. */
const RESERVED = new Set(['OVERCAST_RUN_ID', 'PATH', 'HOME', 'USER', 'SHELL', 'LOGNAME']);

/** Declared parameters with their defaults, given values on top; unknown or missing ones are a 400. */
export function parameterValues(
  declared: ScriptParameter[],
  given: Record<string, string> = {},
): Record<string, string> {
  const names = new Set(declared.map((p) => p.name));
  const unknown = Object.keys(given).filter((k) => !names.has(k));
  if (unknown.length) {
    throw new DomainError(
      'invalid',
      'unknown_parameter',
      `The script declares no parameter ${unknown.join(', ')}; it takes ${declared.map((p) => p.name).join(', ') || 'none'}.`,
    );
  }
  const values: Record<string, string> = {};
  for (const p of declared) {
    if (RESERVED.has(p.name)) {
      throw new DomainError(
        'invalid',
        'reserved_parameter',
        `${p.name} is set by the platform; rename the parameter.`,
      );
    }
    const value = given[p.name] ?? p.default;
    if (value === undefined) {
      if (p.required) {
        throw new DomainError(
          'invalid',
          'missing_parameter',
          `The parameter ${p.name} is required; give it a value.`,
        );
      }
      continue;
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new DomainError(
        'invalid',
        'validation_failed',
        `The value of ${p.name} must be text without NUL bytes.`,
      );
    }
    values[p.name] = value;
  }
  return values;
}

/**
 * Starts a script on the machines a selector picks now: one record per machine, queued for the
 * worker, which runs them with the configured concurrency. Returns the run's id. Used by the api,
 * schedules, and anything else that automates (alert rules).
 */
export async function startScriptRun(
  runtime: ScriptRunRuntime,
  actor: Actor & { organizationId: string },
  input: StartScriptRunInput,
): Promise<string> {
  const { db, settings } = runtime;
  const script = await db.prisma.script.findFirst({
    where: { id: input.scriptId, organizationId: actor.organizationId },
  });
  if (!script) throw notFound('Script');
  const version = await db.prisma.scriptVersion.findUniqueOrThrow({
    where: { scriptId_version: { scriptId: script.id, version: script.currentVersion } },
  });
  const params = parameterValues(version.parameters as ScriptParameter[], input.params);
  const max = settings.automation.scriptTimeoutSeconds;
  if (input.timeoutSeconds !== undefined && input.timeoutSeconds > max) {
    throw new DomainError(
      'invalid',
      'timeout_too_long',
      `Runs may last at most ${max} s (the automation.scriptTimeoutSeconds setting); ask for less.`,
    );
  }
  const machines = await resolveTargets(db, actor.organizationId, input.targets, input.caller ?? undefined);
  if (machines.length === 0) {
    throw new DomainError(
      'invalid',
      'no_matching_machines',
      'No machine matches the targets (terminated and missing machines are left out); check the ids, tags or clouds.',
    );
  }
  // Machines the caller may see but not run scripts on are kept in the record, skipped, with why.
  const allowed = await machinesAllowed(
    db,
    actor.organizationId,
    input.caller,
    machines.map((m) => m.id),
    'run',
  );
  if (allowed.size === 0) {
    throw new DomainError(
      'forbidden',
      'not_allowed',
      `Your teams' policies do not let you run scripts on ${machines.length === 1 ? machines[0]!.name : `any of the ${machines.length} machines the targets pick`}; ask an admin to grant it.`,
    );
  }
  const refused = notAllowedReason(actor.label, 'run');
  const run = await db.prisma.$transaction(async (tx) => {
    const created = await tx.scriptRun.create({
      data: {
        organizationId: actor.organizationId,
        scriptId: script.id,
        version: script.currentVersion,
        parameters: params,
        startedById: actor.userId ?? null,
        startedByLabel: actor.label,
        scheduleRunId: input.scheduleRunId ?? null,
        target: input.targets as object,
        timeoutSeconds: input.timeoutSeconds ?? max,
      },
    });
    await tx.scriptRunTarget.createMany({
      data: machines.map((m) => ({
        runId: created.id,
        machineId: m.id,
        machineName: m.name,
        ...(allowed.has(m.id) ? {} : { status: 'skipped', error: refused, finishedAt: new Date() }),
      })),
    });
    return created;
  });
  await recordAudit(db, actor, {
    action: 'script.run',
    resourceKind: 'script',
    resourceId: script.id,
    details: {
      name: script.name,
      version: script.currentVersion,
      runId: run.id,
      machines: allowed.size,
      ...(allowed.size < machines.length ? { notAllowed: machines.length - allowed.size } : {}),
      parameters: Object.keys(params),
    },
  });
  await queueWithin(enqueueScriptRun(runtime, run.id));
  return run.id;
}

/** One job per run, named by the run, so queueing it again never runs it twice. */
export async function enqueueScriptRun(runtime: Pick<Runtime, 'queues'>, runId: string): Promise<void> {
  await runtime.queues.scripts.add('run', { runId } satisfies ScriptRunJobData, {
    // BullMQ refuses ":" in custom job ids.
    jobId: `run-${runId}`,
    // A run that failed as a whole (database gone) is tried again; finished machines are not rerun.
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: 1000,
    removeOnFail: 1000,
  });
}

type RunRow = Awaited<ReturnType<Database['prisma']['scriptRun']['findFirstOrThrow']>>;

/**
 * What a caller may see of runs: runs of scripts they may read that reached at least one machine
 * they may read, and of those only such machines' targets (their output, counts and ids). Null
 * sets mean everything.
 */
interface RunVisibility {
  scripts: string[] | null;
  machines: Set<string> | null;
}

async function runVisibility(
  db: Database,
  organizationId: string,
  caller: Principal | undefined,
): Promise<RunVisibility> {
  if (!caller) return { scripts: null, machines: null };
  const [scripts, machines] = await Promise.all([
    allowedIds(db, organizationId, caller, 'scripts'),
    allowedIds(db, organizationId, caller, 'machines'),
  ]);
  return { scripts, machines: machines ? new Set(machines) : null };
}

async function summaries(
  db: Database,
  runs: (RunRow & { script: { name: string } })[],
  machines: Set<string> | null,
): Promise<ScriptRunSummary[]> {
  if (runs.length === 0) return [];
  const counts = await db.prisma.scriptRunTarget.groupBy({
    by: ['runId', 'status'],
    where: {
      runId: { in: runs.map((r) => r.id) },
      ...(machines ? { machineId: { in: [...machines] } } : {}),
    },
    _count: { _all: true },
  });
  return runs.map((r) => ({
    id: r.id,
    scriptId: r.scriptId,
    scriptName: r.script.name,
    version: r.version,
    status: r.status,
    startedBy: r.startedByLabel,
    scheduleRunId: r.scheduleRunId,
    timeoutSeconds: r.timeoutSeconds,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    counts: Object.fromEntries(counts.filter((c) => c.runId === r.id).map((c) => [c.status, c._count._all])),
  }));
}

/** Runs, newest first; a caller limited by team policies sees what runVisibility allows. */
export async function listScriptRuns(
  db: Database,
  organizationId: string,
  filter: { scriptId?: string; limit?: number },
  caller?: Principal,
): Promise<ScriptRunSummary[]> {
  if (filter.scriptId) {
    const script = await db.prisma.script.findFirst({ where: { id: filter.scriptId, organizationId } });
    if (!script) throw notFound('Script');
  }
  const { scripts, machines } = await runVisibility(db, organizationId, caller);
  const runs = await db.prisma.scriptRun.findMany({
    where: {
      organizationId,
      AND: [
        ...(filter.scriptId ? [{ scriptId: filter.scriptId }] : []),
        ...(scripts ? [{ scriptId: { in: scripts } }] : []),
        ...(machines ? [{ targets: { some: { machineId: { in: [...machines] } } } }] : []),
      ],
    },
    include: { script: { select: { name: true } } },
    orderBy: { createdAt: 'desc' },
    take: filter.limit ?? 50,
  });
  return summaries(db, runs, machines);
}

/** One run with its targets' output; 404 for a caller who may see none of it. */
export async function getScriptRun(
  db: Database,
  organizationId: string,
  id: string,
  caller?: Principal,
): Promise<ScriptRunView> {
  const run = await db.prisma.scriptRun.findFirst({
    where: { id, organizationId },
    include: { script: { select: { name: true } } },
  });
  if (!run) throw notFound('Script run');
  if (caller && !(await mayDo(db, organizationId, caller, 'scripts', 'read', run.scriptId)))
    throw notFound('Script run');
  const { machines } = await runVisibility(db, organizationId, caller);
  const targets = await db.prisma.scriptRunTarget.findMany({
    where: { runId: id, ...(machines ? { machineId: { in: [...machines] } } : {}) },
    orderBy: [{ machineName: 'asc' }, { id: 'asc' }],
  });
  if (machines && targets.length === 0) throw notFound('Script run');
  const [summary] = await summaries(db, [run], machines);
  const target = run.target as Record<string, unknown>;
  const version = await db.prisma.scriptVersion.findUnique({
    where: { scriptId_version: { scriptId: run.scriptId, version: run.version } },
  });
  return {
    ...summary!,
    parameters: shownParameters(
      (version?.parameters ?? []) as ScriptParameter[],
      run.parameters as Record<string, string>,
    ),
    // Machines named in the selector that the caller may not see are left out of it too.
    target:
      machines && Array.isArray(target.machineIds)
        ? { ...target, machineIds: target.machineIds.filter((m) => machines.has(String(m))) }
        : target,
    targets: targets.map((t) => ({
      id: t.id,
      machineId: t.machineId,
      machineName: t.machineName,
      status: t.status,
      exitCode: t.exitCode,
      stdout: t.stdout,
      stderr: t.stderr,
      error: t.error,
      startedAt: t.startedAt?.toISOString() ?? null,
      finishedAt: t.finishedAt?.toISOString() ?? null,
    })),
  };
}
