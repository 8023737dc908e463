import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '@overcast/contracts';
import { commandLine, type SshConnection } from '@overcast/ssh';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface RunOptions {
  stdin?: string;
  signal?: AbortSignal;
}

/** Runs `virsh <args>` where the hypervisor is: here, or on a host over SSH. */
export interface VirshRunner {
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

const MAX_OUTPUT = 64 * 1024 * 1024;
// virsh's messages are parsed; keep them in English whatever the host's locale.
const LOCALE = { LC_ALL: 'C', LANG: 'C' };

/** virsh on this machine, without a shell in between. */
export class LocalRunner implements VirshRunner {
  constructor(
    private readonly timeoutMs: number,
    private readonly binary = 'virsh',
  ) {}

  async run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    if (options.stdin === undefined) return this.spawn(args, 'ignore', options);
    // Node hands children a socket for a piped stdin, and `virsh define /dev/stdin` cannot open a
    // socket; a private temp file behind fd 0 reads like a pipe would.
    const dir = mkdtempSync(join(tmpdir(), 'overcast-virsh-'));
    const file = join(dir, 'stdin');
    writeFileSync(file, options.stdin, { mode: 0o600 });
    const fd = openSync(file, 'r');
    try {
      return await this.spawn(args, fd, options);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private spawn(args: string[], stdin: 'ignore' | number, options: RunOptions): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        env: { ...process.env, ...LOCALE },
        stdio: [stdin, 'pipe', 'pipe'],
        signal: options.signal,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const take = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT) into.push(chunk);
      };
      child.stdout?.on('data', take(out));
      child.stderr?.on('data', take(err));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (e.code === 'ENOENT') {
          reject(
            new ProviderError(
              'invalid',
              `virsh is not installed on this machine (${this.binary} not found).`,
              {
                code: 'ENOENT',
              },
            ),
          );
        } else if (e.name === 'AbortError') reject(options.signal?.reason ?? e);
        else
          reject(new ProviderError('unavailable', `virsh could not be started: ${e.message}`, { cause: e }));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) {
          return reject(
            new ProviderError(
              'unavailable',
              `virsh did not finish within ${Math.round(this.timeoutMs / 1000)} s.`,
            ),
          );
        }
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          exitCode: code,
        });
      });
    });
  }

  async close(): Promise<void> {}
}

/** virsh on the host at the other end of an SSH connection; every argument is quoted. */
export class SshRunner implements VirshRunner {
  constructor(
    private readonly connection: SshConnection,
    private readonly timeoutMs: number,
  ) {}

  async run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    const where = `${this.connection.username}@${this.connection.host}`;
    const result = await this.connection.exec(commandLine(['virsh', ...args]), {
      stdin: options.stdin,
      env: LOCALE,
      timeoutMs: this.timeoutMs,
      signal: options.signal,
      maxOutputBytes: MAX_OUTPUT,
    });
    if (result.timedOut) {
      throw new ProviderError(
        'unavailable',
        `virsh on ${where} did not finish within ${Math.round(this.timeoutMs / 1000)} s and was stopped.`,
      );
    }
    if (result.exitCode === 127) {
      throw new ProviderError(
        'invalid',
        `virsh is not installed on ${this.connection.host} (or not on the PATH of ${this.connection.username}). Install libvirt-clients there.`,
        { code: 'virsh-missing' },
      );
    }
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
