import { Readable } from 'node:stream';
import type { ExitInfo, RemoteProcess } from './process';

export interface ExecResult extends ExitInfo {
  stdout: string;
  stderr: string;
  /** True when output beyond `maxOutputBytes` was dropped (the command still ran to the end). */
  truncated: boolean;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Sends `input` (or just EOF) to the command, so commands reading stdin never wait forever. */
export function feedStdin(proc: RemoteProcess, input: string | Buffer | Readable | undefined): void {
  if (input instanceof Readable) {
    input.on('error', () => proc.stdin.end());
    input.pipe(proc.stdin);
    return;
  }
  if (input !== undefined && input.length > 0) proc.stdin.write(input);
  proc.stdin.end();
}

/** Buffers both streams (each capped at `maxBytes`) and waits for the exit. */
export async function collectOutput(
  proc: RemoteProcess,
  maxBytes = DEFAULT_MAX_OUTPUT_BYTES,
): Promise<ExecResult> {
  let truncated = false;
  const sink = (stream: Readable) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (data: Buffer) => {
      const room = maxBytes - size;
      if (room <= 0) {
        truncated = true;
        return;
      }
      const part = data.length > room ? data.subarray(0, room) : data;
      if (part !== data) truncated = true;
      chunks.push(part);
      size += part.length;
    });
    return chunks;
  };
  const out = sink(proc.stdout);
  const err = sink(proc.stderr);
  const exit = await proc.exit;
  return {
    ...exit,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    truncated,
  };
}
