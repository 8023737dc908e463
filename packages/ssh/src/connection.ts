import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import ssh2, { type Client, type ClientChannel } from 'ssh2';
import { checkEnv, closeChannel, type SignalName, sendSignal } from './channel';
import { collectOutput, type ExecResult, feedStdin } from './collect';
import { connectError, type Endpoint, SshError } from './errors';
import { fingerprintOf, keyAlgorithmOf, normalizeFingerprint } from './fingerprint';
import { loadPrivateKey } from './keys';
import { KILL_SCRIPT, killCommand, newRunId, RUN_ID_VARIABLE } from './kill';
import { type ProcessControl, RemoteProcess } from './process';
import { shellQuote } from './quote';
import { type ShellOptions, ShellStream, terminalDimension } from './shell';

export interface SshConnectOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /** OpenSSH, PEM (PKCS#1/SEC1) or PKCS#8 private key. */
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
  /**
   * The host key fingerprint to insist on (`SHA256:...` as `ssh-keygen -lf` prints). Without it the
   * first key seen is accepted and reported in `connection.hostKey`, for the caller to remember.
   */
  hostKeyFingerprint?: string | null;
  /** Covers TCP connect, handshake and authentication. Default 15 s. */
  connectTimeoutMs?: number;
  /** SSH-level keepalive interval; 0 turns keepalives off. Default 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dead. Default 4. */
  keepaliveCountMax?: number;
  signal?: AbortSignal;
  /**
   * Resolves `host` (when it is a name) before connecting: the caller's outbound guard. The
   * session goes to the address it returned; `host` still names the server in messages.
   */
  lookup?: LookupFunction;
}

/** The address `lookup` gives for `host`; an IP literal is its own address. */
function resolveHost(host: string, lookup: LookupFunction | undefined): Promise<string> {
  if (!lookup || isIP(host)) return Promise.resolve(host);
  return new Promise((resolve, reject) =>
    lookup(host, {}, (err, address) => (err ? reject(err) : resolve(address as string))),
  );
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENODATA', 'ESERVFAIL']);

export interface HostKeyInfo {
  /** The key's algorithm, e.g. "ssh-ed25519". */
  algorithm: string;
  fingerprint: string;
  /** The key itself as a known_hosts line has it ("ssh-ed25519 AAAA..."), for other SSH clients. */
  publicKey: string;
  /** The address the session went to (what `host` resolved to through `lookup`). */
  address: string;
  /** True when no fingerprint was expected, so this key was trusted on first use. */
  firstUse: boolean;
}

/** What is shown and stored of a host key: its name, not the key itself or the dialled address. */
export type PinnedHostKey = Pick<HostKeyInfo, 'algorithm' | 'fingerprint' | 'firstUse'>;

export function pinnedHostKey({ algorithm, fingerprint, firstUse }: HostKeyInfo): PinnedHostKey {
  return { algorithm, fingerprint, firstUse };
}

export interface SpawnOptions extends ProcessControl {
  /**
   * Set in the command's environment. Sent inside the command line (`export K='v'; ...`) because
   * most servers drop SSH env requests, so values show in the host's process list: pass secrets
   * on stdin instead.
   */
  env?: Record<string, string>;
  /** Run on a pseudo-terminal (stdout and stderr then arrive together). */
  pty?: boolean | { cols?: number; rows?: number; term?: string };
}

export interface ExecOptions extends SpawnOptions {
  /** Sent to the command's stdin, then EOF. Without it the command sees EOF at once. */
  stdin?: string | Buffer | Readable;
  /** Per stream; output beyond it is dropped and `truncated` set. Default 16 MiB. */
  maxOutputBytes?: number;
}

/** `export A='x' B='y'; ` so the values reach the command exactly, whatever they contain. */
function withEnv(command: string, env: Record<string, string> | undefined): string {
  const entries = checkEnv(env);
  if (entries.length === 0) return command;
  return `export ${entries.map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')}; ${command}`;
}

/** One authenticated SSH session to a host; open as many commands and shells on it as needed. */
export class SshConnection {
  private endedWith: SshError | null = null;
  private readonly closeWaiters: (() => void)[] = [];
  private isClosed = false;

  constructor(
    private readonly client: Client,
    readonly host: string,
    readonly port: number,
    readonly username: string,
    readonly hostKey: HostKeyInfo,
  ) {
    const where = `${host}:${port}`;
    client.on('error', (err: Error & { level?: string }) => {
      this.endedWith ??=
        err.level === 'client-timeout'
          ? new SshError(
              'timeout',
              `${where} stopped answering keepalives; the connection was dropped. Check the network to the host.`,
              { cause: err },
            )
          : new SshError('closed', `The connection to ${where} failed: ${err.message}`, { cause: err });
    });
    const onGone = () => {
      this.endedWith ??= new SshError('closed', `The connection to ${where} was closed.`);
      if (this.isClosed) return;
      this.isClosed = true;
      for (const w of this.closeWaiters.splice(0)) w();
    };
    client.on('end', onGone);
    client.on('close', onGone);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Why the connection ended (null while it is open). */
  get closeReason(): SshError | null {
    return this.isClosed ? this.endedWith : null;
  }

  /** Resolves once the connection has ended, whichever side ended it. */
  waitClosed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /**
   * Starts a command (a line for the user's login shell: quote platform values with shellQuote or
   * commandLine) and returns it running, with streams for live output. Timeouts, aborts and
   * kill() reach the command and everything it started (see kill.ts; Linux hosts for root logins).
   */
  async spawn(command: string, options: SpawnOptions = {}): Promise<RemoteProcess> {
    const runId = newRunId();
    const line = withEnv(command, { ...options.env, [RUN_ID_VARIABLE]: runId });
    const pty = options.pty
      ? {
          cols: terminalDimension(typeof options.pty === 'object' ? options.pty.cols : undefined, 80),
          rows: terminalDimension(typeof options.pty === 'object' ? options.pty.rows : undefined, 24),
          term: (typeof options.pty === 'object' && options.pty.term) || 'xterm-256color',
        }
      : undefined;
    if (options.signal?.aborted) throw options.signal.reason;
    // Made as the channel opens, not a tick later: a quick command's exit status can arrive in the
    // same read as the exec's success, and an "exit" event with no listener yet is lost.
    return this.openChannel(
      (cb) => (pty ? this.client.exec(line, { pty }, cb) : this.client.exec(line, cb)),
      (channel) =>
        new RemoteProcess(
          channel,
          options,
          () => (this.isClosed ? this.endedWith : null),
          (signal) => {
            sendSignal(channel, signal);
            this.signalRun(runId, signal);
          },
        ),
    );
  }

  /** Runs a command to completion and returns its output and exit status. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const proc = await this.spawn(command, options);
    feedStdin(proc, options.stdin);
    return collectOutput(proc, options.maxOutputBytes);
  }

  /** An interactive login shell on a pseudo-terminal, for a web terminal. */
  async shell(options: ShellOptions = {}): Promise<ShellStream> {
    const window = {
      cols: terminalDimension(options.cols, 80),
      rows: terminalDimension(options.rows, 24),
      term: options.term || 'xterm-256color',
    };
    const env = Object.fromEntries(checkEnv(options.env));
    return this.openChannel(
      (cb) => this.client.shell(window, { env }, cb),
      (channel) => new ShellStream(channel),
    );
  }

  /**
   * A byte stream to a unix socket on the host (OpenSSH's direct-streamlocal), as `ssh -L`
   * would give: how a Docker engine's socket is reached through a host Overcast already logs in to.
   */
  forwardToSocket(socketPath: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.isClosed) return reject(this.endedWith);
      this.client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => {
        if (!err) return resolve(channel);
        if (this.isClosed && this.endedWith) return reject(this.endedWith);
        reject(
          new SshError(
            'protocol',
            `${this.host}:${this.port} did not open ${socketPath} for us (${err.message}). Check the path, that the SSH user may use the socket (the docker group), and that sshd allows AllowStreamLocalForwarding.`,
            { cause: err },
          ),
        );
      });
    });
  }

  /** Ends the session politely; resolves when the socket is gone. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.endedWith ??= new SshError(
      'closed',
      `The connection to ${this.host}:${this.port} was closed by us.`,
    );
    const gone = this.waitClosed();
    this.client.end();
    const force = setTimeout(() => this.client.destroy(), 2_000);
    await gone;
    clearTimeout(force);
  }

  /** Signals a run's processes from a second channel (see kill.ts for why). Best effort. */
  private signalRun(runId: string, signal: SignalName): void {
    if (this.isClosed) return;
    this.openChannel(
      (cb) => this.client.exec(killCommand(runId, signal), cb),
      (channel) => channel,
    ).then(
      (channel) => {
        channel.on('error', () => {});
        channel.resume();
        channel.stderr.resume();
        channel.end(KILL_SCRIPT);
        const stuck = setTimeout(() => closeChannel(channel), 10_000);
        stuck.unref();
        channel.once('close', () => clearTimeout(stuck));
      },
      () => {},
    );
  }

  /** Opens a channel and hands it to `take` at once, in the callback that gives it. */
  private openChannel<T>(
    open: (cb: (err: Error | undefined, channel: ClientChannel) => void) => void,
    take: (channel: ClientChannel) => T,
  ) {
    return new Promise<T>((resolve, reject) => {
      if (this.isClosed) return reject(this.endedWith);
      try {
        open((err, channel) => {
          if (!err) {
            try {
              return resolve(take(channel));
            } catch (failed) {
              return reject(failed);
            }
          }
          if (this.isClosed && this.endedWith) return reject(this.endedWith);
          reject(
            new SshError(
              'protocol',
              `${this.host}:${this.port} refused a new session (${err.message}). The server may limit sessions per connection (MaxSessions).`,
              { cause: err },
            ),
          );
        });
      } catch (err) {
        reject(
          this.endedWith ?? new SshError('closed', `The connection is not usable: ${(err as Error).message}`),
        );
      }
    });
  }
}

/**
 * Connects and authenticates. Fails with an SshError whose kind says what to fix: `auth`, `key`,
 * `unreachable`, `dns`, `timeout`, `host-key-mismatch`, `closed` or `protocol`.
 */
export function connectSsh(options: SshConnectOptions): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    const port = options.port ?? 22;
    if (!options.host) return reject(new SshError('invalid', 'An SSH host address is required.'));
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      return reject(new SshError('invalid', `${String(options.port)} is not a TCP port.`));
    if (!options.username) return reject(new SshError('invalid', 'An SSH user name is required.'));
    if (!options.privateKey && options.password === undefined)
      return reject(new SshError('invalid', 'Give a private key or a password to log in with.'));

    let expected: string | undefined;
    let key: ReturnType<typeof loadPrivateKey> | undefined;
    try {
      expected = options.hostKeyFingerprint ? normalizeFingerprint(options.hostKeyFingerprint) : undefined;
      key = options.privateKey ? loadPrivateKey(options.privateKey, options.passphrase) : undefined;
    } catch (err) {
      return reject(err);
    }
    if (options.signal?.aborted) return reject(options.signal.reason);

    const timeout = options.connectTimeoutMs ?? 15_000;
    const endpoint: Endpoint = {
      host: options.host,
      port,
      username: options.username,
      method: key && options.password !== undefined ? 'key-and-password' : key ? 'key' : 'password',
    };
    const where = options.host.includes(':') ? `[${options.host}]:${port}` : `${options.host}:${port}`;
    const client = new ssh2.Client();
    let seen: { algorithm: string; fingerprint: string; publicKey: string; address: string } | undefined;
    let mismatch: SshError | undefined;
    let settled = false;

    const onAbort = () => fail(options.signal?.reason);
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      client.destroy();
      reject(err);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    client.on('error', (err) => fail(mismatch ?? connectError(err, endpoint, timeout)));
    client.on('close', () =>
      fail(mismatch ?? new SshError('closed', `${where} closed the connection before the login finished.`)),
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      const hostKey = { ...(seen as NonNullable<typeof seen>), firstUse: !expected };
      resolve(new SshConnection(client, options.host, port, options.username, hostKey));
    });

    const connect = (address: string) => {
      if (settled) return;
      try {
        client.connect({
          host: address,
          port,
          username: options.username,
          privateKey: key?.key,
          passphrase: key?.passphrase,
          password: options.password,
          tryKeyboard: false,
          readyTimeout: timeout,
          keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
          keepaliveCountMax: options.keepaliveCountMax ?? 4,
          hostVerifier: (raw: Buffer) => {
            const fingerprint = fingerprintOf(raw);
            const algorithm = keyAlgorithmOf(raw);
            seen = { algorithm, fingerprint, publicKey: `${algorithm} ${raw.toString('base64')}`, address };
            if (expected && fingerprint !== expected) {
              mismatch = new SshError(
                'host-key-mismatch',
                `The host key of ${where} does not match: expected ${expected}, the server presented ${fingerprint}. ` +
                  'If the server was reinstalled or its keys rotated, update the fingerprint; otherwise someone may be intercepting the connection.',
                { expectedFingerprint: expected, actualFingerprint: fingerprint },
              );
              return false;
            }
            return true;
          },
        });
      } catch (err) {
        fail(connectError(err, endpoint, timeout));
      }
    };
    // A refused name is refused before any connection, in the guard's own words.
    resolveHost(options.host, options.lookup).then(connect, (err: NodeJS.ErrnoException) =>
      fail(
        DNS_CODES.has(err?.code ?? '')
          ? connectError(err, endpoint, timeout)
          : new SshError('invalid', err?.message ?? String(err), { code: err?.code, cause: err }),
      ),
    );
  });
}
