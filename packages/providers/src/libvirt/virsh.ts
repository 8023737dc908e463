import { randomBytes } from 'node:crypto';
import type { ProviderError } from '@overcast/contracts';
import { shellQuote } from '@overcast/ssh';
import { errorLines, virshError } from './errors';
import type { RunOptions, VirshRunner } from './runner';

export type BatchResult = { ok: true; stdout: string } | { ok: false; stdout: string; error: ProviderError };

/** virsh bound to one connection URI. */
export class Virsh {
  constructor(
    private readonly runner: VirshRunner,
    private readonly uri: string,
  ) {}

  /** One command; its stdout, or a ProviderError from what virsh said. */
  async call(args: string[], options: RunOptions = {}): Promise<string> {
    const result = await this.runner.run(['--connect', this.uri, ...args], options);
    if (result.exitCode !== 0 || errorLines(result.stderr).length > 0) {
      throw virshError(result.stderr, `virsh ${args[0] ?? ''} failed with exit status ${result.exitCode}`);
    }
    return result.stdout;
  }

  /**
   * Several commands in ONE virsh invocation (one hypervisor connection, one SSH round trip),
   * each result kept apart by `echo` markers on both streams. Later commands run even when an
   * earlier one fails, so each result says for itself. A failure to reach the hypervisor at all
   * throws. `stdin` is shared (e.g. `define /dev/stdin`).
   */
  async batch(commands: string[][], options: RunOptions = {}): Promise<BatchResult[]> {
    if (commands.length === 0) return [];
    const marker = `overcast-${randomBytes(8).toString('hex')}`;
    // virsh's own command parser follows POSIX shell quoting, so shellQuote serves it too.
    const separator = ` ; echo ${marker} ; echo --err ${marker}`;
    const script = commands.map((argv) => `${argv.map(shellQuote).join(' ')}${separator}`).join(' ; ');
    const result = await this.runner.run(['--connect', this.uri, script], options);
    const outParts = result.stdout.split(`${marker}\n`);
    const errParts = result.stderr.split(`error: ${marker}\n`);
    if (outParts.length < commands.length + 1) {
      // virsh stopped before the end: it could not connect, or was killed.
      throw virshError(
        result.stderr,
        `virsh stopped after ${outParts.length - 1} of ${commands.length} commands`,
      );
    }
    if (errParts.length < commands.length + 1) {
      // A virsh too old for `echo --err`: run the commands one by one to know which failed.
      return this.oneByOne(commands, options);
    }
    return commands.map((_, i) => {
      // `echo --err` leaves an empty line on stdout at the start of the next part.
      const stdout = i === 0 ? (outParts[0] ?? '') : (outParts[i] ?? '').replace(/^\n/, '');
      const stderr = errParts[i] ?? '';
      return errorLines(stderr).length > 0
        ? { ok: false, stdout, error: virshError(stderr) }
        : { ok: true, stdout };
    });
  }

  private async oneByOne(commands: string[][], options: RunOptions): Promise<BatchResult[]> {
    const results: BatchResult[] = [];
    for (const argv of commands) {
      try {
        results.push({ ok: true, stdout: await this.call(argv, options) });
      } catch (err) {
        results.push({ ok: false, stdout: '', error: err as ProviderError });
      }
    }
    return results;
  }
}

/** The stdout of a batch result, or its error thrown. */
export function unwrap(result: BatchResult | undefined): string {
  if (!result) throw new Error('missing batch result');
  if (!result.ok) throw result.error;
  return result.stdout;
}
