import { setMaxListeners } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { StreamEvent } from '@overcast/contracts';
import type { Cloud, Machine } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { commandLine, type SshConnection, SshError } from '@overcast/ssh';
import { machinesAllowed, notAllowedReason, onBehalfOf } from '../authz';
import { DomainError } from '../errors';
import { publishEvents } from '../events';
import { runInContainer } from '../ssh-access/container-exec';
import { type KeyLoader, keyLoader, machineLogin } from '../ssh-access/login';
import { openRouteSsh } from '../ssh-access/open';
import { type MachineRoute, machineRoute } from '../ssh-access/route';
import { enqueueScriptRun } from './script-run';

/** Runs scripts on machines (SSH, engine exec), records their output and streams it live. */
export type ScriptExecRuntime = Pick<Runtime, 'db' | 'box' | 'redis' | 'settings' | 'logger'>;

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

/** How often live output is pushed to browsers, per machine. */
const FLUSH_MS = 100;

type TargetRow = { id: string; machineId: string; machineName: string; status: string };

/** Keeps at most `max` bytes of a stream, noting how much was dropped. */
class Capture {
  private readonly parts: Buffer[] = [];
  private size = 0;
  dropped = 0;
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    const room = this.max - this.size;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.parts.push(kept);
    this.size += kept.length;
    this.dropped += chunk.length - kept.length;
  }
  text(): string {
    // Postgres text cannot hold NUL.
    const s = Buffer.concat(this.parts).toString('utf8').replaceAll('\0', '');
    return this.dropped > 0 ? `${s}\n[output truncated: ${this.dropped} more bytes were dropped]\n` : s;
  }
}

/** Batches live output so a chatty script sends a few events a second, not one per write. */
class LiveOutput {
  private pending: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Bytes streamed so far; past the kept-output limit browsers get no more than the record keeps. */
  private sent = { stdout: 0, stderr: 0 };
  /** A character split across two chunks is sent whole, with the second. */
  private decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  constructor(
    private readonly runtime: ScriptExecRuntime,
    private readonly organizationId: string,
    private readonly ids: { runId: string; targetId: string; machineId: string },
    private readonly maxBytes: number,
  ) {}
  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const room = this.maxBytes - this.sent[stream];
    if (room <= 0) return;
    const data = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.sent[stream] += data.length;
    const text = this.decoders[stream].write(data);
    if (!text) return;
    const last = this.pending.at(-1);
    if (last?.stream === stream) last.text += text;
    else this.pending.push({ stream, text });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const events: StreamEvent[] = batch.map((b) => ({
      type: 'script.output',
      ...this.ids,
      stream: b.stream,
      data: b.text,
    }));
    await publishEvents(this.runtime.redis, this.organizationId, events).catch(() => {});
  }
}

interface Outcome {
  status: 'succeeded' | 'failed' | 'timed_out' | 'skipped';
  exitCode: number | null;
  stdout: string;
  stderr: string;
  error: string | null;
}

function connectMessage(err: unknown, where: string): string {
  if (!(err instanceof SshError)) return `Could not connect to ${where}: ${(err as Error)?.message ?? err}`;
  if (err.kind === 'auth') {
    return `${where} refused the login. Check the user name and that the key's public half is in the user's ~/.ssh/authorized_keys.`;
  }
  if (err.kind === 'host-key-mismatch') {
    return `${err.message} The script was not run; an admin can accept the new key from the machine's terminal.`;
  }
  return err.message;
}

interface RunContext {
  organizationId: string;
  runId: string;
  kind: string;
  body: string;
  params: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
}

/**
 * What every machine of a run needs from the database, loaded once per run: the machines, their
 * clouds, host keys, and each SSH key decrypted once (a 200-machine run is not 1,000 queries).
 */
class RunLookups {
  private machines = new Map<string, Machine>();
  private clouds = new Map<string, Cloud>();
  private hostKeys = new Map<string, { fingerprint: string; algorithm: string }>();
  private keys: KeyLoader | null = null;

  constructor(private readonly runtime: ScriptExecRuntime) {}

  async load(organizationId: string, machineIds: string[]): Promise<void> {
    const { prisma } = this.runtime.db;
    this.keys = keyLoader(this.runtime, organizationId);
    const machines = await prisma.machine.findMany({ where: { id: { in: machineIds }, organizationId } });
    for (const m of machines) this.machines.set(m.id, m);
    const cloudIds = [...new Set(machines.map((m) => m.cloudId))];
    for (const c of await prisma.cloud.findMany({ where: { id: { in: cloudIds }, organizationId } }))
      this.clouds.set(c.id, c);
    const pins = await prisma.hostKey.findMany({ where: { machineId: { in: machineIds }, organizationId } });
    for (const k of pins) this.hostKeys.set(`${k.machineId}|${k.host}|${k.port}`, k);
  }

  machine = (id: string) => this.machines.get(id);

  cloud = (machine: Machine) => this.clouds.get(machine.cloudId);

  /** How the machine is reached; a DomainError says why it cannot be. */
  route(machine: Machine): MachineRoute {
    const cloud = this.clouds.get(machine.cloudId);
    if (!cloud) throw new DomainError('not_found', 'cloud_not_found', 'The machine’s cloud was not found.');
    return machineRoute(machine, cloud);
  }

  pinned = (machineId: string, host: string, port: number) =>
    this.hostKeys.get(`${machineId}|${host}|${port}`);

  login(machine: Machine) {
    const cloud = this.clouds.get(machine.cloudId);
    return cloud && this.keys ? machineLogin(this.runtime.box, machine, cloud, this.keys) : null;
  }
}

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
