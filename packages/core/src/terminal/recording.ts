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

/**
 * Writes a terminal session as an asciicast v2 file: a JSON header line, then one
 * `[seconds, "o", text]` line per chunk of output (and `"r"` lines for resizes).
 * UTF-8 split across chunks is carried over, so the "o" texts joined are the output exactly.
 */
export class CastRecorder {
  private readonly decoder = new StringDecoder('utf8');
  private readonly started = performance.now();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', () => {
      // A full disk must not end the session; the recording is simply cut short.
      this.closed = true;
    });
  }

  static async open(path: string, header: CastHeader): Promise<CastRecorder> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    const recorder = new CastRecorder(path, out);
    out.write(
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

  private elapsed(): number {
    return Math.round(performance.now() - this.started) / 1000;
  }

  /** Records output; false when the file wants a pause (wait for `drained`). */
  output(chunk: Buffer): boolean {
    if (this.closed) return true;
    const text = this.decoder.write(chunk);
    if (!text) return true;
    return this.out.write(`${JSON.stringify([this.elapsed(), 'o', text])}\n`);
  }

  resize(cols: number, rows: number): void {
    if (this.closed) return;
    this.out.write(`${JSON.stringify([this.elapsed(), 'r', `${cols}x${rows}`])}\n`);
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

  async close(): Promise<void> {
    if (this.closed) return;
    const rest = this.decoder.end();
    if (rest) this.out.write(`${JSON.stringify([this.elapsed(), 'o', rest])}\n`);
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
