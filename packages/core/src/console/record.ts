import { randomUUID } from 'node:crypto';
import type { Runtime } from '@overcast/runtime';
import { recordAudit } from '../audit/record';
import type { CastRecorder } from '../terminal/recording';
import type { ConsoleKind, ConsoleMachine, ConsoleOpener } from './target';

/** What a console session keeps: its row among the machine's sessions, and the audit trail. */
export type RecordRuntime = Pick<Runtime, 'db' | 'logger'>;

/**
 * One console session on the record: a row in shell_sessions (kind 'graphical' or 'serial',
 * who, which machine, when, bytes each way) and machine.console.start / .end audit events.
 * A graphical session keeps only these figures; a serial one also its text (`recordingPath`).
 */
export class ConsoleRecord {
  readonly startedAt = new Date();
  bytesIn = 0;
  bytesOut = 0;
  private ended: Promise<void> | null = null;

  private constructor(
    readonly id: string,
    private readonly runtime: RecordRuntime,
    private readonly opener: ConsoleOpener,
    private readonly target: ConsoleMachine,
    private readonly recorder: CastRecorder | null,
  ) {}

  static async begin(
    runtime: RecordRuntime,
    opener: ConsoleOpener,
    target: ConsoleMachine,
    details: Record<string, unknown>,
    recording?: { id: string; path: string; recorder: CastRecorder },
  ): Promise<ConsoleRecord> {
    const id = recording?.id ?? randomUUID();
    const record = new ConsoleRecord(id, runtime, opener, target, recording?.recorder ?? null);
    const { actor } = opener;
    const { machine, kind } = target;
    await runtime.db.prisma.shellSession.create({
      data: {
        id: record.id,
        organizationId: actor.organizationId,
        machineId: machine.id,
        userId: actor.userId,
        startedAt: record.startedAt,
        recordingPath: recording?.path ?? null,
        kind,
      },
    });
    await recordAudit(runtime.db, actor, {
      action: 'machine.console.start',
      resourceKind: 'machine',
      resourceId: machine.id,
      details: { name: machine.name, sessionId: record.id, kind, ...details },
    });
    return record;
  }

  get kind(): ConsoleKind {
    return this.target.kind;
  }

  /** Closes the recording and writes the end once, whatever ends the session. */
  end(reason: string): Promise<void> {
    this.ended ??= this.finish(reason);
    return this.ended;
  }

  private async finish(reason: string): Promise<void> {
    const { db, logger } = this.runtime;
    const { machine, kind } = this.target;
    const endedAt = new Date();
    try {
      await this.recorder?.close();
      // The audit entry first: whoever sees the session ended also finds its end in the log.
      await recordAudit(db, this.opener.actor, {
        action: 'machine.console.end',
        resourceKind: 'machine',
        resourceId: machine.id,
        details: {
          name: machine.name,
          sessionId: this.id,
          kind,
          startedAt: this.startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          durationSeconds: (endedAt.getTime() - this.startedAt.getTime()) / 1000,
          bytesIn: this.bytesIn,
          bytesOut: this.bytesOut,
          reason,
        },
      });
      await db.prisma.shellSession.update({
        where: { id: this.id },
        data: {
          endedAt,
          endReason: reason,
          bytesIn: BigInt(this.bytesIn),
          bytesOut: BigInt(this.bytesOut),
        },
      });
    } catch (err) {
      logger.warn(
        { err: (err as Error).message, sessionId: this.id },
        'could not record the end of a console session',
      );
    }
  }
}

/** A console refused after the person was let in (no display, provider down): audited as a failure. */
export async function recordConsoleFailure(
  runtime: RecordRuntime,
  opener: ConsoleOpener,
  target: ConsoleMachine,
  code: string,
): Promise<void> {
  await recordAudit(runtime.db, opener.actor, {
    action: 'machine.console.start',
    resourceKind: 'machine',
    resourceId: target.machine.id,
    result: 'failure',
    details: { name: target.machine.name, kind: target.kind, error: code },
  }).catch(() => {});
}
