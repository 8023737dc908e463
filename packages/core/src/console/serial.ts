import { randomUUID } from 'node:crypto';
import type { SerialConsoleDriver } from '@overcast/contracts';
import type { Settings } from '@overcast/runtime';
import { DomainError, fromProviderError } from '../errors';
import { CastRecorder } from '../terminal/recording';
import { recordingPath } from '../terminal/recordings';
import { ConsoleRecord, type RecordRuntime, recordConsoleFailure } from './record';
import type { ConsoleMachine, ConsoleOpener, ConsoleRuntime } from './target';
import { serialDriver } from './target';

/** Providers keep serial output, not push it: it is read again this often while someone watches. */
export const SERIAL_POLL_MS = 2_000;

/** Where a serial session's text goes: the api wraps a WebSocket in this. */
export interface SerialPeer {
  output(text: string): void;
  /** Provider trouble while following: said once, the session goes on trying. */
  problem(code: string, message: string): void;
}

/**
 * A serial console being followed: the output the provider keeps, then every new line as it
 * comes, shown to the peer and recorded (asciicast, like the terminal) under the session's row.
 */
export class SerialFollow {
  private cursor: string | undefined;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failing = false;

  private constructor(
    private readonly runtime: RecordRuntime,
    private readonly target: ConsoleMachine,
    private readonly driver: SerialConsoleDriver,
    private readonly record: ConsoleRecord,
    private readonly recorder: CastRecorder,
    private readonly peer: SerialPeer,
    private readonly pollMs: number,
  ) {}

  /** Reads what is there (a provider failure refuses the session), then follows. */
  static async start(
    runtime: ConsoleRuntime & RecordRuntime & { settings: Pick<Settings, 'shell' | 'limits'> },
    opener: ConsoleOpener,
    target: ConsoleMachine,
    peer: SerialPeer,
    pollMs = SERIAL_POLL_MS,
  ): Promise<SerialFollow> {
    let driver: SerialConsoleDriver;
    let first: Awaited<ReturnType<SerialConsoleDriver['serialOutput']>>;
    try {
      driver = await serialDriver(runtime, target);
      first = await driver.serialOutput(target.machine.externalId);
    } catch (err) {
      const e =
        err instanceof DomainError
          ? err
          : fromProviderError(
              target.cloud.provider,
              err,
              `reading the serial console of ${target.machine.name}`,
            );
      await recordConsoleFailure(runtime, opener, target, e.code);
      throw e;
    }
    const sessionId = randomUUID();
    const path = recordingPath(runtime.settings, opener.actor.organizationId, sessionId);
    const recorder = await CastRecorder.open(
      path,
      { cols: 80, rows: 24, term: 'xterm-256color', title: `${target.machine.name} (serial console)` },
      runtime.settings.limits.recordingMaxMiB * 1024 * 1024,
    );
    const record = await ConsoleRecord.begin(runtime, opener, target, {}, { id: sessionId, path, recorder });
    const follow = new SerialFollow(runtime, target, driver, record, recorder, peer, pollMs);
    follow.cursor = first.next;
    follow.show(first.text);
    follow.schedule();
    return follow;
  }

  get sessionId(): string {
    return this.record.id;
  }

  private show(text: string): void {
    if (!text || this.stopped) return;
    const bytes = Buffer.from(text, 'utf8');
    // Recorded before it is shown; past the recording's cap nothing more is shown unrecorded.
    if (this.recorder.output(bytes) === 'full') {
      this.peer.problem(
        'recording_limit',
        'This serial session reached its recording limit; open the console again.',
      );
      void this.stop('recording_limit');
      return;
    }
    this.record.bytesOut += bytes.length;
    this.peer.output(text);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
  }

  private async poll(): Promise<void> {
    try {
      const next = await this.driver.serialOutput(this.target.machine.externalId, this.cursor);
      this.failing = false;
      this.cursor = next.next;
      if (next.truncated) this.show('\r\n[older output was dropped by the provider]\r\n');
      this.show(next.text);
    } catch (err) {
      if (!this.failing) {
        const e = fromProviderError(
          this.target.cloud.provider,
          err,
          `reading the serial console of ${this.target.machine.name}`,
        );
        this.peer.problem(e.code, `${e.message} Still trying.`);
        this.runtime.logger.warn({ err: (err as Error).message }, 'serial console read failed');
      }
      this.failing = true;
    }
    this.schedule();
  }

  /** Stops following and writes the session's end. */
  stop(reason: string): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.record.end(reason);
  }
}
