import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

// A real OpenSSH server on the loopback interface, for tests that need an SSH host.
// Each instance owns a temp dir (host key, config, authorized_keys, pid file) and one sshd
// process; stop() kills it and every session it forked, and removes the dir.

const SSHD = '/usr/sbin/sshd';

export interface StartSshdOptions {
  /** Users allowed to log in; default the current user. */
  users?: string[];
  /** `authorized_keys` lines accepted for every allowed user. */
  authorizedKeys: string[];
  /** Default: a free port. */
  port?: number;
  /** Host key type; default ed25519. */
  hostKeyType?: 'ed25519' | 'rsa' | 'ecdsa';
  /** The loopback address to listen on (anything in 127.0.0.0/8); default 127.0.0.1. */
  host?: string;
  /** A directory put first on sessions' PATH, to stand in for the host's own commands. */
  pathPrefix?: string;
}

export interface SshdHandle {
  readonly host: string;
  readonly port: number;
  /** The user tests should log in as (the first allowed user). */
  readonly user: string;
  /** `ssh-keygen -lf` of the current host key. */
  readonly hostKeyFingerprint: string;
  /** The directory holding config, keys and logs. */
  readonly dir: string;
  /** What sshd wrote to stderr (LogLevel ERROR), for failing tests. */
  logs(): string;
  stop(): Promise<void>;
  /** Replaces the host key and restarts on the same port; returns the new fingerprint. */
  restartWithNewHostKey(): Promise<string>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killTree(child.pid, 'SIGKILL');
});

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    // The SSH banner proves sshd itself answers, not a leftover listener.
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.connect(port, host);
  });
}

/** Every process below `pid`, found through /proc (sshd detaches its sessions with setsid). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

function sshdVersion(): [number, number] {
  const out = (() => {
    try {
      return execFileSync(SSHD, ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      // Older sshd prints the version to stderr and exits non-zero for -V.
      return String((err as { stderr?: string }).stderr ?? '');
    }
  })();
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function makeHostKey(dir: string, type: string): string {
  const file = join(dir, `ssh_host_${type}_key`);
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'overcast-test-host', '-f', file], {
    stdio: 'ignore',
  });
  const line = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' });
  const fingerprint = line.split(/\s+/)[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen output: ${line}`);
  return fingerprint;
}

function writeConfig(
  dir: string,
  host: string,
  port: number,
  users: string[],
  hostKeyFile: string,
  pathPrefix?: string,
): string {
  const [major, minor] = sshdVersion();
  const lines = [
    `ListenAddress ${host}`,
    `Port ${port}`,
    `HostKey ${hostKeyFile}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    users.includes('root') ? 'PermitRootLogin prohibit-password' : 'PermitRootLogin no',
    `AllowUsers ${users.join(' ')}`,
    'LogLevel ERROR',
    'UseDNS no',
    'AcceptEnv LANG LC_*',
    // Test suites open many connections at once; don't let sshd throttle them.
    'MaxStartups 200',
    'MaxSessions 50',
    'MaxAuthTries 10',
    'Subsystem sftp internal-sftp',
    // Sessions get this scratch dir as HOME, so bash never sources the real user's rc files:
    // on a developer machine those may hang (a stale pyenv lock) or print noise into output.
    `SetEnv HOME=${dir}${pathPrefix ? ` PATH=${pathPrefix}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin` : ''}`,
  ];
  // OpenSSH 9.8 penalises sources that fail logins; tests fail logins on purpose.
  if (major > 9 || (major === 9 && minor >= 8)) lines.push('PerSourcePenalties no');
  const file = join(dir, 'sshd_config');
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

async function launch(config: string, host: string, port: number, errors: string[]): Promise<ChildProcess> {
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => errors.push(chunk));
  let exited = false;
  child.once('exit', () => {
    exited = true;
    live.delete(child);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`sshd exited at start: ${errors.join('').trim() || `code ${child.exitCode}`}`);
    if (await accepts(host, port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  killTree(child.pid, 'SIGKILL');
  throw new Error(`sshd did not accept connections on ${host}:${port} within 10 s: ${errors.join('')}`);
}

async function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killTree(child.pid, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Sessions first: they outlive the listener otherwise.
  for (const pid of descendants(child.pid ?? 0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => killTree(child.pid, 'SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

/** Starts sshd on 127.0.0.1 (or another loopback address) and waits until it answers with an SSH banner. */
export async function startSshd(options: StartSshdOptions): Promise<SshdHandle> {
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'overcast-sshd-'));
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d+\.\d+\.\d+$/.test(host)) throw new Error(`sshd listens on loopback only, not ${host}`);
  const users = options.users?.length ? options.users : [userInfo().username];
  const keyType = options.hostKeyType ?? 'ed25519';
  const hostKeyFile = join(dir, `ssh_host_${keyType}_key`);
  writeFileSync(join(dir, 'authorized_keys'), `${options.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const errors: string[] = [];
  let fingerprint = makeHostKey(dir, keyType);

  let port = options.port ?? 0;
  let child: ChildProcess | undefined;
  // A free port can be taken between probing and binding; try a few.
  for (let attempt = 0; !child; attempt++) {
    const candidate = options.port ?? (await freePort());
    const config = writeConfig(dir, host, candidate, users, hostKeyFile, options.pathPrefix);
    try {
      child = await launch(config, host, candidate, errors);
      port = candidate;
    } catch (err) {
      if (options.port !== undefined || attempt >= 4) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let current: ChildProcess = child;
  let stopped = false;
  return {
    host,
    port,
    user: users[0] as string,
    dir,
    get hostKeyFingerprint() {
      return fingerprint;
    },
    logs: () => errors.join(''),
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt(current);
      rmSync(dir, { recursive: true, force: true });
    },
    async restartWithNewHostKey() {
      if (stopped) throw new Error('sshd was stopped');
      await halt(current);
      fingerprint = makeHostKey(dir, keyType);
      current = await launch(join(dir, 'sshd_config'), host, port, errors);
      return fingerprint;
    },
  };
}
