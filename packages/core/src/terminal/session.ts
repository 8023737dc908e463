import { randomUUID } from 'node:crypto';
import type { ShellClientMessage, ShellServerMessage } from '@overcast/contracts';
import type { Cloud, Machine, Role } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import {
  normalizeFingerprint,
  pinnedHostKey,
  type ShellStream,
  type SshConnection,
  SshError,
} from '@overcast/ssh';
import { type Actor, recordAudit } from '../audit';
import { roleAtLeast } from '../auth';
import { DomainError } from '../errors';
import type { CloudRuntime } from '../runtime';
import { keyLoader, machineLogin } from '../ssh-access/login';
import { openRouteSsh, resolveMachineRoute } from '../ssh-access/open';
import type { AddressChoice, SshRoute } from '../ssh-access/route';
import { type ContainerTerminal, openContainerShell } from './container-shell';
import { CastRecorder } from './recording';
import { recordingPath } from './recordings';

// One browser terminal: a WebSocket peer on one side, an SSH login shell on the other.

let openConnections = 0;

/** SSH connections the terminal holds open right now (in this process). */
export const openSshConnections = (): number => openConnections;

/** What a terminal reaches machines with, and where it logs what went wrong. */
export type TerminalRuntime = CloudRuntime & Pick<Runtime, 'logger'>;

/** The browser side, as the session sees it (the api wraps a WebSocket in this). */
export interface TerminalPeer {
  /** A binary frame of terminal output; `sent` once it has left for the network. */
  sendData(chunk: Buffer, sent: () => void): void;
  sendControl(message: ShellServerMessage): void;
  close(code: number, reason: string): void;
}

export interface TerminalRequest {
  actor: Actor & { organizationId: string; userId: string };
  role: Role;
  machine: Machine;
  cols: number;
  rows: number;
  address?: AddressChoice;
  port?: number;
}

/** Output queued towards the browser beyond which the SSH channel is paused. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const MAX_PASSWORD_TRIES = 3;
const TERM = 'xterm-256color';

const ERROR_CODES: Record<SshError['kind'], string> = {
  auth: 'auth_failed',
  key: 'key_unusable',
  unreachable: 'unreachable',
  dns: 'dns_failed',
  timeout: 'timeout',
  'host-key-mismatch': 'host_key_changed',
  closed: 'connection_failed',
  protocol: 'protocol_error',
  invalid: 'invalid',
};

/** What the browser types into and reads from: an SSH shell channel or a container exec stream. */
interface TerminalStream {
  write(chunk: Buffer): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'end' | 'close', listener: () => void): unknown;
}

type Phase = 'starting' | 'connecting' | 'need-password' | 'need-host-key' | 'connected' | 'ended';

export class TerminalSession {
  private phase: Phase = 'starting';
  private target: SshRoute | null = null;
  private cloud: Cloud | null = null;
  private conn: SshConnection | null = null;
  private shell: ShellStream | null = null;
  private container: ContainerTerminal | null = null;
  private recorder: CastRecorder | null = null;
  private sessionId: string | null = null;
  private startedAt = new Date();
  private bytesOut = 0;
  private inFlight = 0;
  private readonly pausedFor = new Set<'peer' | 'disk'>();
  private idleTimer: NodeJS.Timeout | null = null;
  private maxTimer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();
  private pendingHostKey: { expected: string; actual: string } | null = null;
  private passwordTries = 0;
  private cols: number;
  private rows: number;
  private ending: Promise<void> | null = null;

  constructor(
    private readonly runtime: TerminalRuntime,
    private readonly request: TerminalRequest,
    private readonly peer: TerminalPeer,
  ) {
    this.cols = request.cols;
    this.rows = request.rows;
  }

  /** Connects (or asks for what it needs to); resolves once the session is under way or over. */
  async start(): Promise<void> {
    const { shell } = this.runtime.settings;
    if (shell.maxSessionSeconds > 0) {
      this.maxTimer = setTimeout(() => void this.end('max_session'), shell.maxSessionSeconds * 1000);
    }
    this.touch();
    const { machine, address, port } = this.request;
    try {
      const { route, cloud } = await resolveMachineRoute(this.runtime.db, machine, { address, port });
      if (route.via === 'docker-exec') return this.connectContainer();
      this.target = route;
      this.cloud = cloud;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.error(err.code, err.message);
      return this.end(err.code);
    }
    await this.connect();
  }

  /** A frame from the browser. */
  receive(data: Buffer, isBinary: boolean): void {
    if (this.phase === 'ended') return;
    if (isBinary) {
      this.touch();
      if (this.phase === 'connected') (this.shell ?? this.container?.stream)?.write(data);
      return;
    }
    let message: ShellClientMessage;
    try {
      message = JSON.parse(data.toString('utf8')) as ShellClientMessage;
    } catch {
      this.error('bad_message', 'Control messages must be JSON, e.g. {"type":"resize","cols":80,"rows":24}.');
      return;
    }
    this.touch();
    switch (message?.type) {
      case 'resize':
        this.resize(message.cols, message.rows);
        return;
      case 'auth':
        this.guard(this.password(message.password));
        return;
      case 'accept-host-key':
        this.guard(this.acceptHostKey(message.fingerprint));
        return;
      default:
        this.error('bad_message', 'Unknown control message; expected resize, auth or accept-host-key.');
    }
  }

  /** Work started by a message: a failure ends the session rather than the process. */
  private guard(work: Promise<void>): void {
    work.catch((err) => {
      this.runtime.logger.warn({ err: (err as Error).message }, 'terminal session failed');
      this.error('internal_error', 'The terminal failed; try again.');
      void this.end('internal_error');
    });
  }

  /** The browser went away: end the SSH session now. */
  peerClosed(): Promise<void> {
    return this.end('client_closed');
  }

  private send(message: ShellServerMessage): void {
    if (this.phase !== 'ended') this.peer.sendControl(message);
  }

  private error(code: string, message: string, extra: Partial<ShellServerMessage> = {}): void {
    this.send({ type: 'error', code, message, ...extra } as ShellServerMessage);
  }

  private touch(): void {
    const seconds = this.runtime.settings.shell.idleTimeoutSeconds;
    if (seconds <= 0 || this.phase === 'ended') return;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => void this.end('idle_timeout'), seconds * 1000);
  }

  private resize(cols: unknown, rows: unknown): void {
    const ok = (n: unknown): n is number =>
      Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000;
    if (!ok(cols) || !ok(rows)) {
      this.error('bad_message', 'resize needs whole cols and rows from 1 to 1000.');
      return;
    }
    this.cols = cols;
    this.rows = rows;
    this.shell?.resize(cols, rows);
    this.container?.resize(cols, rows);
    this.recorder?.resize(cols, rows);
  }

  /** A container's shell: an exec through the engine, recorded and audited like an SSH login. */
  private async connectContainer(): Promise<void> {
    const { db } = this.runtime;
    const { machine, actor } = this.request;
    this.phase = 'connecting';
    this.send({ type: 'status', state: 'connecting' });
    let container: ContainerTerminal;
    try {
      container = await openContainerShell(this.runtime, machine, { cols: this.cols, rows: this.rows });
    } catch (err) {
      if (this.isOver()) return;
      const e = err as DomainError;
      const code = e.code ?? 'exec_failed';
      this.error(code, e.message ?? String(err));
      void recordAudit(db, actor, {
        action: 'machine.shell.start',
        resourceKind: 'machine',
        resourceId: machine.id,
        result: 'failure',
        details: { name: machine.name, via: 'docker-exec', error: code },
      }).catch(() => {});
      return this.end(code);
    }
    this.container = container;
    if (this.isOver()) {
      container.stream.destroy();
      return;
    }
    let sessionId: string;
    try {
      sessionId = await this.beginRecordedSession(`${machine.name} (container)`);
      await recordAudit(db, actor, {
        action: 'machine.shell.start',
        resourceKind: 'machine',
        resourceId: machine.id,
        details: {
          name: machine.name,
          sessionId,
          via: 'docker-exec',
          engine: container.engine,
          container: machine.externalId,
          execId: container.execId,
        },
      });
      if (this.isOver()) return;
    } catch (err) {
      this.runtime.logger.warn({ err: (err as Error).message }, 'container shell could not start');
      this.error('shell_failed', `The shell could not be started: ${(err as Error).message}`);
      return this.end('shell_failed');
    }
    this.phase = 'connected';
    this.send({ type: 'status', state: 'connected', sessionId });
    const stream = container.stream;
    const closed = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
    this.pipe(
      stream,
      closed.then(() => 'exit'),
    );
  }

  private async password(password: unknown): Promise<void> {
    if (this.phase !== 'need-password') return this.error('unexpected_auth', 'No password is needed now.');
    if (typeof password !== 'string' || password.length === 0 || password.length > 1024)
      return this.error('bad_message', 'auth needs a password.');
    this.passwordTries++;
    await this.connect(password);
  }

  private async acceptHostKey(fingerprint: unknown): Promise<void> {
    const { actor, role, machine } = this.request;
    if (!roleAtLeast(role, 'admin'))
      return this.error('forbidden', 'Only an admin can accept a changed host key.');
    if (this.phase !== 'need-host-key' || !this.pendingHostKey || !this.target)
      return this.error('unexpected_accept', 'There is no changed host key to accept.');
    let given: string;
    try {
      given = normalizeFingerprint(String(fingerprint ?? ''));
    } catch (err) {
      return this.error('invalid_fingerprint', (err as Error).message);
    }
    if (given !== this.pendingHostKey.actual) {
      return this.error(
        'fingerprint_mismatch',
        `The host presented ${this.pendingHostKey.actual}, not ${given}; nothing was accepted.`,
      );
    }
    const { address: host, port } = this.target;
    await this.runtime.db.prisma.hostKey.update({
      where: { machineId_host_port: { machineId: machine.id, host, port } },
      data: { fingerprint: given, acceptedById: actor.userId, createdAt: new Date() },
    });
    await recordAudit(this.runtime.db, actor, {
      action: 'machine.host_key.accept',
      resourceKind: 'machine',
      resourceId: machine.id,
      details: { name: machine.name, host, port, from: this.pendingHostKey.expected, to: given },
    });
    this.pendingHostKey = null;
    await this.connect();
  }

  private async connect(password?: string): Promise<void> {
    const { db } = this.runtime;
    const { machine, actor } = this.request;
    const target = this.target as SshRoute;
    this.phase = 'connecting';
    this.send({ type: 'status', state: 'connecting' });
    const login =
      password === undefined
        ? await machineLogin(
            this.runtime.box,
            machine,
            this.cloud as Cloud,
            keyLoader(this.runtime, machine.organizationId),
          )
        : null;
    if (this.isOver()) return;
    if (!login && password === undefined) {
      this.phase = 'need-password';
      return this.error(
        'password_required',
        `No SSH key is associated with ${machine.name} and the organization has no default key. ` +
          `Send {"type":"auth","password":"..."} to log in as ${target.user} with a password (it is not stored).`,
      );
    }
    let conn: SshConnection;
    let firstUse: boolean;
    try {
      ({ conn, firstUse } = await openRouteSsh(
        this.runtime,
        machine,
        target,
        password ? { password } : login,
        {
          signal: this.abort.signal,
        },
      ));
    } catch (err) {
      if (this.isOver()) return;
      return this.connectFailed(err, password !== undefined);
    }
    openConnections++;
    void conn.waitClosed().then(() => {
      openConnections--;
    });
    this.conn = conn;
    if (this.isOver()) {
      await conn.close();
      return;
    }
    let sessionId: string;
    try {
      const shell = await conn.shell({ cols: this.cols, rows: this.rows, term: TERM });
      this.shell = shell;
      if (this.isOver()) return;
      sessionId = await this.beginRecordedSession(`${target.user}@${machine.name}`);
      await recordAudit(db, actor, {
        action: 'machine.shell.start',
        resourceKind: 'machine',
        resourceId: machine.id,
        details: {
          name: machine.name,
          sessionId,
          host: target.address,
          port: target.port,
          user: target.user,
          keyId: login?.keyId ?? null,
          hostKey: conn.hostKey.fingerprint,
        },
      });
      if (this.isOver()) return;
    } catch (err) {
      this.runtime.logger.warn({ err: (err as Error).message }, 'terminal session could not start');
      this.error('shell_failed', `The shell could not be started: ${(err as Error).message}`);
      return this.end('shell_failed');
    }
    this.phase = 'connected';
    this.send({
      type: 'status',
      state: 'connected',
      sessionId,
      hostKey: { ...pinnedHostKey(conn.hostKey), firstUse },
    });
    const shell = this.shell;
    this.pipe(
      shell,
      Promise.race([
        shell.exit.then(() => 'exit'),
        new Promise<string>((resolve) => shell.once('end', () => resolve('exit'))),
        conn.waitClosed().then(() => 'connection_lost'),
      ]),
    );
  }

  private isOver(): boolean {
    return this.phase === 'ended' || this.ending !== null;
  }

  private connectFailed(err: unknown, withPassword: boolean): Promise<void> | undefined {
    const { machine } = this.request;
    const target = this.target as SshRoute;
    if (!(err instanceof SshError)) {
      this.error('connection_failed', `Could not connect: ${(err as Error)?.message ?? err}`);
      return this.end('connection_failed');
    }
    const code = ERROR_CODES[err.kind] ?? 'connection_failed';
    if (err.kind === 'host-key-mismatch') {
      const expected = err.expectedFingerprint ?? '';
      const actual = err.actualFingerprint ?? '';
      this.pendingHostKey = { expected, actual };
      this.phase = 'need-host-key';
      const admin = roleAtLeast(this.request.role, 'admin');
      this.error(
        code,
        `WARNING: the host key of ${machine.name} (${target.address}:${target.port}) has changed. ` +
          `It was ${expected}; the server now presents ${actual}. ` +
          'If the machine was rebuilt or its keys rotated this is expected; otherwise someone may be intercepting the connection. ' +
          (admin
            ? 'Check the new fingerprint on the machine itself, then send {"type":"accept-host-key","fingerprint":"..."} to accept it.'
            : 'The connection was refused. Ask an admin to check and accept the new key.'),
        { expectedFingerprint: expected, actualFingerprint: actual },
      );
      void recordAudit(this.runtime.db, this.request.actor, {
        action: 'machine.shell.start',
        resourceKind: 'machine',
        resourceId: machine.id,
        result: 'denied',
        details: { name: machine.name, error: code, expected, actual },
      }).catch(() => {});
      if (!admin) return this.end(code);
      return;
    }
    const message =
      err.kind === 'auth'
        ? withPassword
          ? `${target.user}@${target.address}:${target.port} refused the password. Check it and try again.`
          : `${target.user}@${target.address}:${target.port} refused the key. Check the user name and that the key's public half is in ~${target.user}/.ssh/authorized_keys on the machine.`
        : err.message;
    this.error(code, message);
    void recordAudit(this.runtime.db, this.request.actor, {
      action: 'machine.shell.start',
      resourceKind: 'machine',
      resourceId: machine.id,
      result: 'failure',
      details: {
        name: machine.name,
        error: code,
        host: target.address,
        port: target.port,
        user: target.user,
      },
    }).catch(() => {});
    if (err.kind === 'auth' && withPassword && this.passwordTries < MAX_PASSWORD_TRIES) {
      this.phase = 'need-password';
      return;
    }
    return this.end(code);
  }

  /** Output to the browser and the recording, with backpressure; `done` says why it ended. */
  /** A session that reached its shell: an id, a recording file, and its row. */
  private async beginRecordedSession(title: string): Promise<string> {
    const { machine, actor } = this.request;
    this.sessionId = randomUUID();
    this.startedAt = new Date();
    const path = recordingPath(this.runtime.settings, actor.organizationId, this.sessionId);
    this.recorder = await CastRecorder.open(
      path,
      { cols: this.cols, rows: this.rows, term: TERM, title },
      this.runtime.settings.limits.recordingMaxMiB * 1024 * 1024,
    );
    await this.runtime.db.prisma.shellSession.create({
      data: {
        id: this.sessionId,
        organizationId: actor.organizationId,
        machineId: machine.id,
        userId: actor.userId,
        startedAt: this.startedAt,
        recordingPath: path,
      },
    });
    return this.sessionId;
  }

  private pipe(shell: TerminalStream, done: Promise<string>): void {
    const recorder = this.recorder as CastRecorder;
    shell.on('data', (chunk: Buffer) => {
      if (this.isOver()) return;
      // Recorded before it is shown: output past the recording's cap is never shown unrecorded.
      const recorded = recorder.output(chunk);
      if (recorded === 'full') {
        (this.shell ?? this.container?.stream)?.pause();
        void this.end('recording_limit');
        return;
      }
      this.bytesOut += chunk.length;
      this.inFlight += chunk.length;
      this.peer.sendData(chunk, () => {
        this.inFlight -= chunk.length;
        if (this.inFlight <= LOW_WATER) this.unpause('peer');
      });
      if (this.inFlight > HIGH_WATER) this.pause('peer');
      if (recorded === 'wait') {
        this.pause('disk');
        void recorder.drained().then(() => this.unpause('disk'));
      }
    });
    shell.on('error', () => {});
    void done.then((reason) => this.end(reason));
  }

  private pause(why: 'peer' | 'disk'): void {
    this.pausedFor.add(why);
    (this.shell ?? this.container?.stream)?.pause();
  }

  private unpause(why: 'peer' | 'disk'): void {
    if (!this.pausedFor.delete(why) || this.pausedFor.size > 0) return;
    (this.shell ?? this.container?.stream)?.resume();
  }

  /** Ends everything once: the SSH session, the recording, the row and the audit trail. */
  end(reason: string): Promise<void> {
    this.ending ??= this.finish(reason);
    return this.ending;
  }

  private async finish(reason: string): Promise<void> {
    const wasConnected = this.phase === 'connected';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.abort.abort(new SshError('closed', 'The terminal was closed.'));
    const { shell, limits } = this.runtime.settings;
    const notice =
      reason === 'idle_timeout'
        ? `Closed after ${shell.idleTimeoutSeconds} s without input.`
        : reason === 'max_session'
          ? `Closed: sessions last at most ${shell.maxSessionSeconds} s.`
          : reason === 'recording_limit'
            ? `Closed: this session's recording reached its ${limits.recordingMaxMiB} MiB limit, and nothing runs unrecorded. ` +
              'Open a new terminal; send large output to a file, or page it with less.'
            : undefined;
    if (notice) this.error(reason, notice);
    this.send({ type: 'status', state: 'closed', reason });
    this.phase = 'ended';
    this.peer.close(1000, reason);
    this.shell?.destroy();
    this.container?.stream.destroy();
    await Promise.allSettled([
      this.conn?.close(),
      this.recorder?.close(reason === 'recording_limit' ? notice : undefined),
    ]);
    if (!this.sessionId) return;
    const { db } = this.runtime;
    const { actor, machine } = this.request;
    const endedAt = new Date();
    try {
      // The audit entry first: whoever sees the session ended also finds its end in the log.
      await recordAudit(db, actor, {
        action: 'machine.shell.end',
        resourceKind: 'machine',
        resourceId: machine.id,
        details: {
          name: machine.name,
          sessionId: this.sessionId,
          startedAt: this.startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          durationSeconds: (endedAt.getTime() - this.startedAt.getTime()) / 1000,
          bytesOut: this.bytesOut,
          reason,
          connected: wasConnected,
        },
      });
      await db.prisma.shellSession.update({
        where: { id: this.sessionId },
        data: { endedAt, endReason: reason, bytesOut: BigInt(this.bytesOut) },
      });
    } catch (err) {
      this.runtime.logger.warn(
        { err: (err as Error).message, sessionId: this.sessionId },
        'could not record the end of a terminal session',
      );
    }
  }
}
