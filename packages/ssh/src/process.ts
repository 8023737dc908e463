import type { Readable, Writable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { closeChannel, type SignalName } from './channel';
import type { SshError } from './errors';

export interface ExitInfo {
  /** The command's exit status; null when it died of a signal or the status never came. */
  exitCode: number | null;
  /** The signal that ended it ("SIGTERM"), when it did. */
  signal: string | null;
  /** True when our `timeoutMs` ran out and we killed it. */
  timedOut: boolean;
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

export interface ProcessControl {
  /** Kill the command after this long (TERM, then KILL after `killGraceMs`). */
  timeoutMs?: number;
  /** Aborting kills the command; the exit promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Time between TERM and KILL. Default 2 s. */
  killGraceMs?: number;
}

/**
 * A command running on the remote host, shaped like a child process: stdout/stderr are readable
 * streams (consume stdout, or `resume()` it, or `exit` never settles), stdin is writable, and
 * `exit` settles when the channel closes.
 */
export class RemoteProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable;
  readonly exit: Promise<ExitInfo>;

  private exitCode: number | null = null;
  private exitSignal: string | null = null;
  private timedOut = false;
  private aborted: { reason: unknown } | null = null;
  private finished = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private settle: () => void = () => {};

  constructor(
    private readonly channel: ClientChannel,
    control: ProcessControl,
    /** Why the connection ended, if it did: a command cut off by it rejects with this. */
    connectionEnded: () => SshError | null,
    /** Delivers a signal to the command and everything it started. */
    private readonly deliver: (signal: SignalName) => void,
  ) {
    this.stdout = channel;
    this.stderr = channel.stderr;
    this.stdin = channel;
    const grace = control.killGraceMs ?? 2_000;

    channel.on('exit', (code: number | null, signal?: string) => {
      this.exitCode = typeof code === 'number' ? code : null;
      this.exitSignal = signal ?? null;
    });
    // Writes after the remote end went away are not our caller's problem; the exit tells the story.
    channel.on('error', () => {});

    this.exit = new Promise<ExitInfo>((resolve, reject) => {
      this.settle = () => {
        if (this.finished) return;
        this.finished = true;
        for (const t of this.timers) clearTimeout(t);
        control.signal?.removeEventListener('abort', onAbort);
        if (this.aborted) return reject(this.aborted.reason);
        const ended = connectionEnded();
        if (ended && this.exitCode === null && this.exitSignal === null && !this.timedOut)
          return reject(ended);
        resolve({ exitCode: this.exitCode, signal: this.exitSignal, timedOut: this.timedOut });
      };
      channel.once('close', () => this.settle());
    });
    // Callers that only use the streams must not crash the process on a rejection they ignore.
    this.exit.catch(() => {});

    const onAbort = () => {
      this.aborted = { reason: control.signal?.reason };
      this.kill('TERM', grace);
    };
    if (control.signal?.aborted) onAbort();
    else control.signal?.addEventListener('abort', onAbort, { once: true });

    if (control.timeoutMs !== undefined && control.timeoutMs > 0) {
      this.later(control.timeoutMs, () => {
        this.timedOut = true;
        this.kill('TERM', grace);
      });
    }
  }

  /**
   * Signals the command and everything it started. TERM (the default) and other catchable
   * signals are followed by KILL after the grace period; after KILL the channel is closed, and
   * if the server never confirms, `exit` settles anyway.
   */
  kill(signal: SignalName = 'TERM', graceMs = 2_000): void {
    if (this.finished) return;
    this.deliver(signal);
    if (signal !== 'KILL') {
      this.later(graceMs, () => this.kill('KILL'));
      return;
    }
    this.later(1_000, () => {
      closeChannel(this.channel);
      this.later(2_000, () => this.settle());
    });
  }

  /** Both streams as one, in arrival order, with backpressure: for live logs. */
  async *output(): AsyncGenerator<OutputChunk> {
    const queue: OutputChunk[] = [];
    let open = 2;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const streams = [
      [this.stdout, 'stdout'],
      [this.stderr, 'stderr'],
    ] as const;
    const listeners = streams.map(([stream, name]) => {
      const onData = (data: Buffer) => {
        queue.push({ stream: name, data });
        if (queue.length >= 64) for (const [s] of streams) s.pause();
        notify();
      };
      const onEnd = () => {
        open--;
        notify();
      };
      stream.on('data', onData);
      stream.once('end', onEnd);
      return () => {
        stream.off('data', onData);
        stream.off('end', onEnd);
      };
    });
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          if (queue.length < 16) for (const [s] of streams) s.resume();
          yield chunk;
          continue;
        }
        if (open === 0) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      for (const off of listeners) off();
      // Whoever stops reading early must not stall the channel.
      for (const [s] of streams) s.resume();
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.finished) fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }
}
