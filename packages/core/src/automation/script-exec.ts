import { setMaxListeners } from 'node:events';
import type { Cloud } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { commandLine, type SshConnection } from '@overcast/ssh';
import { machinesAllowed, notAllowedReason, onBehalfOf } from '../authz';
import { DomainError } from '../errors';
import { publishEvents } from '../events';
import { runInContainer } from '../ssh-access/container-exec';
import { openRouteSsh } from '../ssh-access/open';
import type { MachineRoute } from '../ssh-access/route';
import { runPlaybook } from './ansible/run';
import { connectMessage, RunLookups } from './run-lookups';
import {
  Capture,
  LiveOutput,
  type Outcome,
  type RunContext,
  type ScriptExecRuntime,
  type TargetRow,
} from './script-output';
import { enqueueScriptRun } from './script-run';

export type { ScriptExecRuntime } from './script-output';

/**
 * The one command the platform sends: a fixed line, with nothing of the script or its parameters
 * in it. The body arrives on stdin and is written to a private temp file, then run by /bin/sh
 * (shell scripts) or as an executable (its shebang picks the interpreter). Parameters travel as
 * exported variables, each quoted by the SSH layer. Wrapped in `/bin/sh -c` so the user's login
 * shell (bash, zsh, fish...) only ever sees one single-quoted word.
 */
export function remoteCommand(kind: string): string {
  return commandLine(scriptArgv(kind));
}

/** The same command as argv, for a container's exec (no login shell to get past there). */
export function scriptArgv(kind: string): string[] {
  const run = kind === 'executable' ? '"$f"' : '/bin/sh "$f"';
  const inner =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, for sh
    'f=$(mktemp "${TMPDIR:-/tmp}/overcast-script.XXXXXX") || exit 125; ' +
    `trap 'rm -f "$f"' EXIT; trap 'exit 143' HUP INT TERM; ` +
    'cat > "$f" || exit 125; chmod 700 "$f" || exit 125; ' +
    `${run} < /dev/null`;
  return ['/bin/sh', '-c', inner];
}

/** The body as sent on stdin, ending in a newline. */
const scriptInput = (body: string) => (body.endsWith('\n') ? body : `${body}\n`);

/** Runs the script on one machine; every failure becomes this machine's outcome, never the run's. */
async function runOnMachine(
  runtime: ScriptExecRuntime,
  ctx: RunContext,
  lookups: RunLookups,
  target: TargetRow,
): Promise<Outcome> {
  const fail = (error: string): Outcome => ({
    status: 'failed',
    exitCode: null,
    stdout: '',
    stderr: '',
    error,
  });
  const machine = lookups.machine(target.machineId);
  if (!machine) return fail('The machine no longer exists.');
  let where: MachineRoute;
  try {
    where = lookups.route(machine);
  } catch (err) {
    if (err instanceof DomainError) return fail(err.message);
    throw err;
  }
  if (where.via === 'docker-exec') {
    const cloud = lookups.cloud(machine) as Cloud;
    return runScript(runtime, ctx, target, machine.id, machine.name, async () => {
      const proc = await runInContainer(runtime, cloud, machine, scriptArgv(ctx.kind), {
        stdin: scriptInput(ctx.body),
        env: ctx.params,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
      });
      return {
        stdout: proc.stdout,
        stderr: proc.stderr,
        exit: proc.exit.then((e) => ({ ...e, signal: null })),
        // The engine cannot kill an exec; the command lost its stdin and output instead.
        stopped: 'Overcast stopped waiting for it and closed its input and output',
      };
    });
  }
  const login = await lookups.login(machine);
  if (!login) {
    return fail(
      `No SSH key is associated with ${machine.name} and the organization has no default key. Associate a key with the machine (or set a default key) and run again.`,
    );
  }
  const label = `${where.user}@${where.address}:${where.port}`;
  let conn: SshConnection;
  try {
    ({ conn } = await openRouteSsh(runtime, machine, where, login, {
      pinned: lookups.pinned(machine.id, where.address, where.port) ?? null,
      connectTimeoutMs: Math.min(15_000, ctx.timeoutMs),
      signal: ctx.signal,
    }));
  } catch (err) {
    return fail(connectMessage(err, label));
  }
  try {
    return await runScript(runtime, ctx, target, machine.id, label, async () => {
      const proc = await conn.spawn(remoteCommand(ctx.kind), {
        env: ctx.params,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
      });
      proc.stdin.end(scriptInput(ctx.body));
      return { stdout: proc.stdout, stderr: proc.stderr, exit: proc.exit, stopped: 'it was killed' };
    });
  } finally {
    await conn.close().catch(() => {});
  }
}

/** A started script, over SSH or through a container's exec. */
interface Started {
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  exit: Promise<{ exitCode: number | null; signal?: string | null; timedOut: boolean }>;
  /** What became of it at the timeout, for the message. */
  stopped: string;
}

/** Starts the script, streams and keeps its output, and words how it ended. */
async function runScript(
  runtime: ScriptExecRuntime,
  ctx: RunContext,
  target: TargetRow,
  machineId: string,
  label: string,
  start: () => Promise<Started>,
): Promise<Outcome> {
  try {
    // Recorded before the command starts: a worker dying mid-run leaves it "running", and the
    // retry then reports it as unknown instead of running the script twice.
    await runtime.db.pool.query(
      `UPDATE script_run_targets SET status = 'running', started_at = now() WHERE id = $1`,
      [target.id],
    );
    const live = new LiveOutput(
      runtime,
      ctx.organizationId,
      { runId: ctx.runId, targetId: target.id, machineId },
      ctx.maxBytes,
    );
    const out = new Capture(ctx.maxBytes);
    const err = new Capture(ctx.maxBytes);
    const proc = await start();
    proc.stdout.on('data', (chunk: Buffer) => {
      out.add(chunk);
      live.push('stdout', chunk);
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      err.add(chunk);
      live.push('stderr', chunk);
    });
    let exit: Awaited<Started['exit']>;
    try {
      exit = await proc.exit;
    } finally {
      await live.flush();
    }
    const seconds = Math.round(ctx.timeoutMs / 1000);
    if (exit.timedOut) {
      return {
        status: 'timed_out',
        exitCode: exit.exitCode,
        stdout: out.text(),
        stderr: err.text(),
        error: `Still running after ${seconds} s, so ${proc.stopped}. Raise the run's timeout if it needs longer.`,
      };
    }
    const ok = exit.exitCode === 0;
    return {
      status: ok ? 'succeeded' : 'failed',
      exitCode: exit.exitCode,
      stdout: out.text(),
      stderr: err.text(),
      error: ok
        ? null
        : exit.exitCode === 125
          ? 'The script could not be stored on the machine (mktemp or writing the temp dir failed); check disk space and TMPDIR.'
          : exit.exitCode === 126 && ctx.kind === 'executable'
            ? 'The script could not be executed (exit code 126): the temp directory may be mounted noexec, or its shebang names a missing interpreter.'
            : exit.exitCode !== null
              ? `The script exited with code ${exit.exitCode}.`
              : `The script was ended by ${exit.signal ?? 'an unknown signal'}.`,
    };
  } catch (e) {
    return {
      status: 'failed',
      exitCode: null,
      stdout: '',
      stderr: '',
      error:
        e instanceof DomainError ? e.message : `The run on ${label} failed: ${(e as Error)?.message ?? e}`,
    };
  }
}

/**
 * Runs a queued script run on every target with the configured concurrency. Each machine's
 * record is finished on its own; a machine that fails never stops the others. Safe to call
 * again for the same run (a retried job): finished records are left alone, and records a dead
 * worker left "running" are closed as unknown rather than run twice.
 */
export async function executeScriptRun(
  runtime: ScriptExecRuntime,
  runId: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const { db } = runtime;
  const run = await db.prisma.scriptRun.findUnique({ where: { id: runId } });
  if (!run || run.finishedAt) return;
  const version = await db.prisma.scriptVersion.findUnique({
    where: { scriptId_version: { scriptId: run.scriptId, version: run.version } },
    include: { script: { select: { kind: true, name: true } } },
  });
  await db.prisma.scriptRunTarget.updateMany({
    where: { runId, status: 'running' },
    data: {
      status: 'failed',
      finishedAt: new Date(),
      error:
        'The worker stopped while the script was running here; it may or may not have finished. Check the machine before running it again.',
    },
  });
  await db.prisma.scriptRun.update({ where: { id: runId }, data: { status: 'running' } });
  await publishEvents(runtime.redis, run.organizationId, [
    { type: 'script.run', runId, scriptId: run.scriptId, status: 'running' },
  ]).catch(() => {});
  const targets = await db.prisma.scriptRunTarget.findMany({
    where: { runId, status: 'queued' },
    orderBy: { id: 'asc' },
  });
  // Checked as it runs, not only when it was asked for: rights and tags may have changed since.
  const who = await onBehalfOf(db, run.organizationId, run.startedById);
  const allowed =
    'left' in who
      ? new Set<string>()
      : await machinesAllowed(
          db,
          run.organizationId,
          who.principal,
          targets.map((t) => t.machineId),
          'run',
        );
  const refused =
    'left' in who
      ? `not allowed: ${run.startedByLabel} is no longer a member of the organization`
      : notAllowedReason(run.startedByLabel, 'run');
  const lookups = new RunLookups(runtime);
  await lookups.load(
    run.organizationId,
    targets.map((t) => t.machineId),
  );
  // Every connection and command listens to the run's signal.
  setMaxListeners(0, signal);
  const ctx: RunContext = {
    organizationId: run.organizationId,
    runId,
    kind: version?.script.kind ?? 'shell',
    body: version?.body ?? '',
    requirements: version?.requirements ?? null,
    params: run.parameters as Record<string, string>,
    timeoutMs: run.timeoutSeconds * 1000,
    maxBytes: runtime.settings.automation.scriptMaxOutputKiB * 1024,
    signal,
  };
  const finish = async (target: TargetRow, outcome: Outcome) => {
    await db.pool.query(
      `UPDATE script_run_targets SET status = $2, exit_code = $3, stdout = $4, stderr = $5, error = $6,
              finished_at = now() WHERE id = $1`,
      [target.id, outcome.status, outcome.exitCode, outcome.stdout, outcome.stderr, outcome.error],
    );
    await publishEvents(runtime.redis, run.organizationId, [
      {
        type: 'script.target',
        runId,
        targetId: target.id,
        machineId: target.machineId,
        status: outcome.status,
        exitCode: outcome.exitCode,
        error: outcome.error,
      },
    ]).catch(() => {});
  };
  if (ctx.kind === 'ansible' && version) {
    // One ansible-playbook for every machine the person may run it on; the rest are skipped.
    const skipped: Outcome = { status: 'skipped', exitCode: null, stdout: '', stderr: '', error: refused };
    await Promise.all(targets.filter((t) => !allowed.has(t.machineId)).map((t) => finish(t, skipped)));
    const runnable = targets.filter((t) => allowed.has(t.machineId));
    let outcomes: Map<TargetRow, Outcome>;
    try {
      outcomes = await runPlaybook(runtime, ctx, lookups, runnable);
    } catch (err) {
      // The worker itself failed (its temp dir, say): every machine says so, none is left running.
      runtime.logger.warn({ err: (err as Error).message, runId }, 'playbook run failed');
      const error = `The playbook could not be run: ${(err as Error).message}`;
      outcomes = new Map(
        runnable.map((t) => [t, { status: 'failed', exitCode: null, stdout: '', stderr: '', error }]),
      );
    }
    await Promise.all([...outcomes].map(([target, outcome]) => finish(target, outcome)));
  } else {
    await runEachMachine();
  }
  /** Shell and executable scripts: each machine on its own, a few at a time. */
  async function runEachMachine() {
    let next = 0;
    const lane = async () => {
      while (next < targets.length) {
        const target = targets[next++]!;
        let outcome: Outcome;
        try {
          outcome = !allowed.has(target.machineId)
            ? { status: 'skipped', exitCode: null, stdout: '', stderr: '', error: refused }
            : version
              ? await runOnMachine(runtime, ctx, lookups, target)
              : {
                  status: 'failed',
                  exitCode: null,
                  stdout: '',
                  stderr: '',
                  error: 'The script version is gone.',
                };
        } catch (err) {
          runtime.logger.warn(
            { err: (err as Error).message, runId, machineId: target.machineId },
            'script target failed',
          );
          outcome = {
            status: 'failed',
            exitCode: null,
            stdout: '',
            stderr: '',
            error: `The run failed here: ${(err as Error).message}`,
          };
        }
        // The lane moves on to its next machine while the record is written.
        writes.push(
          finish(target, outcome).catch((err) =>
            runtime.logger.warn({ err: (err as Error).message, runId }, 'could not record a script result'),
          ),
        );
      }
    };
    const writes: Promise<void>[] = [];
    const lanes = Math.min(runtime.settings.automation.scriptConcurrency, targets.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    await Promise.all(writes);
  }
  const failed = await db.prisma.scriptRunTarget.count({ where: { runId, status: { not: 'succeeded' } } });
  const status = failed === 0 ? 'succeeded' : 'failed';
  await db.prisma.scriptRun.update({ where: { id: runId }, data: { status, finishedAt: new Date() } });
  await publishEvents(runtime.redis, run.organizationId, [
    { type: 'script.run', runId, scriptId: run.scriptId, status },
  ]).catch(() => {});
}

/**
 * Postgres is the source of truth for runs too: queues again every unfinished run (a Redis that
 * restarted empty lost their jobs). A run whose job still exists keeps it (same job id).
 */
export async function resumeScriptRuns(runtime: Pick<Runtime, 'db' | 'queues'>): Promise<number> {
  const runs = await runtime.db.prisma.scriptRun.findMany({
    where: { finishedAt: null },
    select: { id: true },
  });
  for (const run of runs) await enqueueScriptRun(runtime, run.id);
  return runs.length;
}
