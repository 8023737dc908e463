import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { loadPrivateKey, SshError } from '@overcast/ssh';
import { DomainError } from '../../errors';
import { openRouteSsh } from '../../ssh-access/open';
import { connectMessage, type RunLookups } from '../run-lookups';
import {
  Capture,
  LiveOutput,
  type Outcome,
  type RunContext,
  type ScriptExecRuntime,
  type TargetRow,
} from '../script-output';
import {
  extraVarsText,
  hostAliases,
  inventoryText,
  knownHostsText,
  type PlaybookHost,
  sshArgs,
} from './files';
import { hostOfLine, LineSplitter, type Recap, recapOfLine } from './output';
import { parseRequirements } from './playbook';

const failed = (error: string): Outcome => ({
  status: 'failed',
  exitCode: null,
  stdout: '',
  stderr: '',
  error,
});

/** How long ansible-playbook gets to stop after SIGTERM before it is killed. */
const KILL_GRACE_MS = 5_000;

/**
 * Logs in to one machine the way every script run does (its route, its login, its pinned host
 * key, pinning a first key seen) and returns how Ansible is to reach it: the address that was
 * dialled and the key that was checked, so Ansible trusts exactly that key. A machine that cannot
 * be reached gets its outcome here and is left out of the inventory.
 */
async function prepareHost(
  runtime: ScriptExecRuntime,
  ctx: RunContext,
  lookups: RunLookups,
  target: TargetRow,
  alias: string,
  dir: string,
): Promise<PlaybookHost | Outcome> {
  const machine = lookups.machine(target.machineId);
  if (!machine) return failed('The machine no longer exists.');
  let route: ReturnType<RunLookups['route']>;
  try {
    route = lookups.route(machine);
  } catch (err) {
    if (err instanceof DomainError) return failed(err.message);
    throw err;
  }
  if (route.via !== 'ssh') {
    return failed(
      `${machine.name} is a container, reached ${route.reason}; Ansible reaches machines over SSH only. Run a shell script on it instead.`,
    );
  }
  const login = await lookups.login(machine);
  if (!login?.privateKey) {
    return failed(
      login?.password
        ? `${machine.name} is logged in to with a password; Ansible runs use a key. Associate an SSH key with the machine (or its cloud) and run again.`
        : `No SSH key is associated with ${machine.name} and the organization has no default key. Associate a key with the machine (or set a default key) and run again.`,
    );
  }
  let key: string;
  try {
    const loaded = loadPrivateKey(login.privateKey, login.passphrase);
    if (loaded.passphrase) {
      return failed(
        `The SSH key for ${machine.name} is protected by a passphrase, which ansible-playbook cannot be given without writing it down; use a key without one for Ansible runs.`,
      );
    }
    const text = loaded.key.toString();
    key = text.endsWith('\n') ? text : `${text}\n`;
  } catch (err) {
    if (err instanceof SshError) return failed(err.message);
    throw err;
  }
  const label = `${route.user}@${route.address}:${route.port}`;
  let hostKey: { publicKey: string; address: string };
  try {
    const { conn } = await openRouteSsh(runtime, machine, route, login, {
      pinned: lookups.pinned(machine.id, route.address, route.port) ?? null,
      connectTimeoutMs: Math.min(15_000, ctx.timeoutMs),
      signal: ctx.signal,
    });
    hostKey = conn.hostKey;
    await conn.close().catch(() => {});
  } catch (err) {
    return failed(connectMessage(err, label));
  }
  const keyFile = join(dir, 'keys', alias);
  await writeFile(keyFile, key, { mode: 0o600, flag: 'wx' });
  return {
    alias,
    address: hostKey.address,
    port: route.port,
    user: route.user,
    keyFile,
    hostKey: hostKey.publicKey,
  };
}

/** What ansible-playbook runs with: nothing of the worker's own environment (its secrets live there). */
function playbookEnv(dir: string, forks: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    // An empty config of the run's own: neither /etc/ansible nor a cwd's ansible.cfg applies.
    ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
    ANSIBLE_PIPELINING: '1',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: sshArgs(dir),
    ANSIBLE_FORKS: String(forks),
    ANSIBLE_TIMEOUT: '15',
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
    ANSIBLE_STDOUT_CALLBACK: 'default',
  };
}

/** The collections installed with the worker's Ansible, by name with their version. */
function installedCollections(env: NodeJS.ProcessEnv, cwd: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    execFile(
      'ansible-galaxy',
      ['collection', 'list', '--format', 'json'],
      { env, cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        if (err && !stdout) return reject(err);
        const found = new Map<string, string>();
        try {
          const byPath = JSON.parse(stdout) as Record<string, Record<string, { version?: string }>>;
          for (const collections of Object.values(byPath))
            for (const [name, info] of Object.entries(collections)) found.set(name, info.version ?? '*');
        } catch (parseErr) {
          return reject(parseErr);
        }
        resolve(found);
      },
    );
  });
}

/** Why the requirements cannot be met, or null when every collection is there. */
async function missingRequirements(
  requirements: string | null,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string | null> {
  const wanted = requirements ? parseRequirements(requirements) : [];
  if (wanted.length === 0) return null;
  let have: Map<string, string>;
  try {
    have = await installedCollections(env, cwd);
  } catch (err) {
    return `The worker could not list its Ansible collections (${(err as Error).message}); the playbook was not run.`;
  }
  const missing = wanted.filter((w) => {
    const version = have.get(w.name);
    // An exact version must match; a range (">=1.0") is left to the author.
    return version === undefined || (w.version && /^\d+(\.\d+)*$/.test(w.version) && w.version !== version);
  });
  if (missing.length === 0) return null;
  const named = missing.map((m) => (m.version ? `${m.name} ${m.version}` : m.name)).join(', ');
  return `The requirements name ${named}, which the worker's Ansible does not have${missing.some((m) => have.has(m.name)) ? ' at that version' : ''}. Overcast downloads nothing for a run; use a collection the worker has, or install it in the worker's image. The playbook was not run.`;
}

interface Stream {
  live: LiveOutput;
  out: Capture;
  err: Capture;
}

/**
 * Runs an ansible script: one ansible-playbook for all the machines given (those the person may
 * run it on), each reached as a shell script would be, with its own outcome from Ansible's recap.
 * The private keys live in a 0700 directory only while ansible-playbook runs, and are removed
 * however it ends.
 */
export async function runPlaybook(
  runtime: ScriptExecRuntime,
  ctx: RunContext,
  lookups: RunLookups,
  targets: TargetRow[],
): Promise<Map<TargetRow, Outcome>> {
  const outcomes = new Map<TargetRow, Outcome>();
  if (targets.length === 0) return outcomes;
  await runtime.db.pool.query(
    `UPDATE script_run_targets SET status = 'running', started_at = now() WHERE id = ANY($1::uuid[])`,
    [targets.map((t) => t.id)],
  );
  const dir = await mkdtemp(join(tmpdir(), 'overcast-ansible-'));
  try {
    await Promise.all(['keys', 'tmp', 'cp'].map((d) => mkdir(join(dir, d), { mode: 0o700 })));
    const aliases = hostAliases(targets.map((t) => ({ id: t.machineId, name: t.machineName })));
    const hosts = new Map<string, { target: TargetRow; host: PlaybookHost }>();
    const forks = runtime.settings.automation.scriptConcurrency;
    let next = 0;
    const lane = async () => {
      while (next < targets.length) {
        const target = targets[next++]!;
        const alias = aliases.get(target.machineId)!;
        const prepared = await prepareHost(runtime, ctx, lookups, target, alias, dir).catch((err: Error) =>
          failed(`The run failed here: ${err.message}`),
        );
        if ('alias' in prepared) hosts.set(alias, { target, host: prepared });
        else outcomes.set(target, prepared);
      }
    };
    await Promise.all(Array.from({ length: Math.min(forks, targets.length) }, lane));
    if (hosts.size === 0) return outcomes;

    const env = playbookEnv(dir, forks);
    const list = [...hosts.values()].map((h) => h.host);
    await writeFile(join(dir, 'ansible.cfg'), '[defaults]\n', { mode: 0o600 });
    await writeFile(join(dir, 'inventory.yml'), inventoryText(list), { mode: 0o600 });
    await writeFile(join(dir, 'known_hosts'), knownHostsText(list), { mode: 0o600 });
    await writeFile(join(dir, 'playbook.yml'), ctx.body, { mode: 0o600 });
    const args = ['-i', 'inventory.yml'];
    if (Object.keys(ctx.params).length > 0) {
      await writeFile(join(dir, 'vars.yml'), extraVarsText(ctx.params), { mode: 0o600 });
      args.push('-e', '@vars.yml');
    }
    args.push('playbook.yml');

    const missing = await missingRequirements(ctx.requirements, env, dir);
    if (missing) {
      for (const { target } of hosts.values()) outcomes.set(target, failed(missing));
      return outcomes;
    }

    const streams = new Map<string, Stream>();
    for (const [alias, { target }] of hosts) {
      streams.set(alias, {
        live: new LiveOutput(
          runtime,
          ctx.organizationId,
          { runId: ctx.runId, targetId: target.id, machineId: target.machineId },
          ctx.maxBytes,
        ),
        out: new Capture(ctx.maxBytes),
        err: new Capture(ctx.maxBytes),
      });
    }
    const recaps = new Map<string, Recap>();
    // A line about one machine goes to that machine's record; a line about the run, to all.
    const route = (stream: 'stdout' | 'stderr', line: string) => {
      const recap = stream === 'stdout' ? recapOfLine(line) : null;
      if (recap && hosts.has(recap[0])) recaps.set(recap[0], recap[1]);
      const host = stream === 'stdout' ? hostOfLine(line) : null;
      const to = host && streams.has(host) ? [streams.get(host)!] : [...streams.values()];
      const chunk = Buffer.from(line);
      for (const s of to) {
        (stream === 'stdout' ? s.out : s.err).add(chunk);
        s.live.push(stream, chunk);
      }
    };
    const ended = await runAnsiblePlaybook(args, dir, env, ctx, route);
    await Promise.all([...streams.values()].map((s) => s.live.flush()));

    const seconds = Math.round(ctx.timeoutMs / 1000);
    for (const [alias, { target }] of hosts) {
      const s = streams.get(alias)!;
      const recap = recaps.get(alias);
      const base = { stdout: s.out.text(), stderr: s.err.text() };
      if (ended.timedOut) {
        outcomes.set(target, {
          ...base,
          status: 'timed_out',
          exitCode: null,
          error: `ansible-playbook was still running after ${seconds} s, so it was stopped. Raise the run's timeout if it needs longer.`,
        });
      } else if (ended.aborted) {
        outcomes.set(target, {
          ...base,
          status: 'failed',
          exitCode: null,
          error: 'The worker stopped while the playbook ran; check the machine before running it again.',
        });
      } else if (ended.spawnError) {
        outcomes.set(target, { ...base, status: 'failed', exitCode: null, error: ended.spawnError });
      } else if (!recap) {
        outcomes.set(target, {
          ...base,
          status: 'failed',
          exitCode: ended.exitCode,
          error: `ansible-playbook ended (exit code ${ended.exitCode ?? ended.signal}) before it reported on this machine; its output says why.`,
        });
      } else if (recap.unreachable > 0) {
        outcomes.set(target, {
          ...base,
          status: 'failed',
          exitCode: 4,
          error: `Ansible could not reach ${target.machineName}; its output says why.`,
        });
      } else if (recap.failed > 0) {
        outcomes.set(target, {
          ...base,
          status: 'failed',
          exitCode: 2,
          error: `${recap.failed} task${recap.failed === 1 ? '' : 's'} failed on ${target.machineName}.`,
        });
      } else {
        outcomes.set(target, { ...base, status: 'succeeded', exitCode: 0, error: null });
      }
    }
    return outcomes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Ended {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  spawnError: string | null;
}

/** Runs ansible-playbook in its own process group, so a timeout stops it with every ssh it started. */
function runAnsiblePlaybook(
  args: string[],
  dir: string,
  env: NodeJS.ProcessEnv,
  ctx: RunContext,
  onLine: (stream: 'stdout' | 'stderr', line: string) => void,
): Promise<Ended> {
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | null = null;
    const child: ChildProcess = spawn('ansible-playbook', args, {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = () => {
      const signal = (s: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, s);
        } catch {
          // Already gone.
        }
      };
      signal('SIGTERM');
      killTimer ??= setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, ctx.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const lines = {
      stdout: new LineSplitter((l) => onLine('stdout', l)),
      stderr: new LineSplitter((l) => onLine('stderr', l)),
    };
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    child.stdout?.on('data', (b: Buffer) => lines.stdout.push(decoders.stdout.write(b)));
    child.stderr?.on('data', (b: Buffer) => lines.stderr.push(decoders.stderr.write(b)));
    let spawnError: string | null = null;
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError =
        err.code === 'ENOENT'
          ? 'ansible-playbook is not installed on the worker; install Debian\'s "ansible" package (the Overcast image has it).'
          : `ansible-playbook could not be started: ${err.message}`;
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      lines.stdout.push(decoders.stdout.end());
      lines.stderr.push(decoders.stderr.end());
      lines.stdout.end();
      lines.stderr.end();
      resolve({ exitCode, signal, timedOut, aborted, spawnError });
    });
  });
}
