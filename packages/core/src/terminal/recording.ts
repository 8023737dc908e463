import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface CastHeader {
  cols: number;
  rows: number;
  term: string;
  title?: string;
}

/** What became of a chunk of output: recorded, recorded but the file wants a pause, or refused. */
export type Recorded = 'ok' | 'wait' | 'full';

/** Room kept under the size cap for the closing note. */
const NOTE_ROOM = 1024;

/**
 * Writes a terminal session as an asciicast v2 file: a JSON header line, then one
 * `[seconds, "o", text]` line per chunk of output (and `"r"` lines for resizes).
 * UTF-8 split across chunks is carried over, so the "o" texts joined are the output exactly.
 */
export class CastRecorder {
  private readonly decoder = new StringDecoder('utf8');
  private readonly started = performance.now();
  private closed = false;
  private full = false;
  /** Bytes written so far, header included. */
  private size = 0;

  private constructor(
    readonly path: string,
    private readonly out: WriteStream,
    private readonly maxBytes: number,
  ) {
    out.on('error', () => {
      // A full disk must not end the session; the recording is simply cut short.
      this.closed = true;
    });
  }

  /** `maxBytes` caps the file, header and closing note included. */
  static async open(
    path: string,
    header: CastHeader,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<CastRecorder> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    const recorder = new CastRecorder(path, out, maxBytes);
    recorder.write(
      `${JSON.stringify({
        version: 2,
        width: header.cols,
        height: header.rows,
        timestamp: Math.floor(Date.now() / 1000),
        env: { TERM: header.term },
        ...(header.title ? { title: header.title } : {}),
      })}\n`,
    );
    return recorder;
  }

  private write(line: string): boolean {
    this.size += Buffer.byteLength(line);
    return this.out.write(line);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started) / 1000;
  }

  /**
   * Records output: 'wait' when the file wants a pause (wait for `drained`), 'full' when the
   * chunk would take the file past its cap (nothing is written then, nor afterwards).
   */
  output(chunk: Buffer): Recorded {
    if (this.full) return 'full';
    if (this.closed) return 'ok';
    const text = this.decoder.write(chunk);
    if (!text) return 'ok';
    const line = `${JSON.stringify([this.elapsed(), 'o', text])}\n`;
    if (this.size + Buffer.byteLength(line) + NOTE_ROOM > this.maxBytes) {
      this.full = true;
      return 'full';
    }
    return this.write(line) ? 'ok' : 'wait';
  }

  resize(cols: number, rows: number): void {
    if (this.closed || this.full) return;
    this.write(`${JSON.stringify([this.elapsed(), 'r', `${cols}x${rows}`])}\n`);
  }

  /** Resolves once the file has caught up with what was written. */
  drained(): Promise<void> {
    if (this.closed || !this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('close', done);
    });
  }

  /** Ends the file; a `note` (why it ended early) is added as a marker and as visible text. */
  async close(note?: string): Promise<void> {
    if (this.closed) return;
    const rest = this.full ? '' : this.decoder.end();
    if (rest) this.write(`${JSON.stringify([this.elapsed(), 'o', rest])}\n`);
    if (note) {
      const text = note.slice(0, NOTE_ROOM / 4);
      this.write(`${JSON.stringify([this.elapsed(), 'm', text])}\n`);
      this.write(`${JSON.stringify([this.elapsed(), 'o', `\r\n[${text}]\r\n`])}\n`);
    }
    this.closed = true;
    await new Promise<void>((resolve) => this.out.end(() => resolve()));
  }
}

/** Reads an asciicast v2 file back: the header and the output it recorded, joined. */
export function parseCast(text: string): { header: Record<string, unknown>; output: string; events: number } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  let output = '';
  let events = 0;
  for (const line of lines.slice(1)) {
    const [, kind, data] = JSON.parse(line) as [number, string, string];
    events++;
    if (kind === 'o') output += data;
  }
  return { header, output, events };
}
