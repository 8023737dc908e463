import { StringDecoder } from 'node:string_decoder';
import type { StreamEvent } from '@overcast/contracts';
import type { Runtime } from '@overcast/runtime';
import { publishEvents } from '../events';

// What every kind of script run shares: the record of one machine's outcome, and its output,
// kept up to a limit and streamed live to browsers.

/** Runs scripts on machines (SSH, engine exec), records their output and streams it live. */
export type ScriptExecRuntime = Pick<Runtime, 'db' | 'box' | 'redis' | 'settings' | 'logger'>;

/** How often live output is pushed to browsers, per machine. */
const FLUSH_MS = 100;

export type TargetRow = { id: string; machineId: string; machineName: string; status: string };

/** Keeps at most `max` bytes of a stream, noting how much was dropped. */
export class Capture {
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
export class LiveOutput {
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

export interface Outcome {
  status: 'succeeded' | 'failed' | 'timed_out' | 'skipped';
  exitCode: number | null;
  stdout: string;
  stderr: string;
  error: string | null;
}

/** What every machine of one run shares. */
export interface RunContext {
  organizationId: string;
  runId: string;
  kind: string;
  body: string;
  /** An ansible script's requirements file. */
  requirements: string | null;
  params: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
}
