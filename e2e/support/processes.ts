import { type ChildProcess, spawn } from 'node:child_process';

export interface SpawnOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

/** Keeps the last part of a process's output for error messages. */
class OutputTail {
  private text = '';
  constructor(private readonly limit = 64_000) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

// E2E_STACK_LOGS=1 streams every process's output live, for debugging a failing run.
const echo = process.env.E2E_STACK_LOGS === '1';

function capture(child: ChildProcess, name: string): { stdout: OutputTail; stderr: OutputTail } {
  const stdout = new OutputTail();
  const stderr = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    if (echo) process.stderr.write(prefixLines(name, chunk));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    if (echo) process.stderr.write(prefixLines(name, chunk));
  });
  return { stdout, stderr };
}

function prefixLines(name: string, chunk: Buffer): string {
  return chunk
    .toString()
    .split(/(?<=\n)/)
    .map((line) => `[${name}] ${line}`)
    .join('');
}

/** Runs a command to completion; rejects with its output when it fails or takes too long. */
export function run(
  name: string,
  command: string,
  args: string[],
  { input, timeoutMs = 60_000, ...options }: SpawnOptions & { input?: string; timeoutMs?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    const { stdout, stderr } = capture(child, name);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name}: could not start ${command}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout.toString());
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`${name} ${how}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`));
      }
    });
    // A command that exits without reading its input must not crash the runner with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

export interface Service {
  name: string;
  /** Why the process is no longer running, or null while it runs. */
  exitReason(): string | null;
  /** Recent output, for diagnostics. */
  output(): string;
  /** SIGTERM, then SIGKILL if it hasn't exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running process (an API server, a worker) in the background. */
export function startService(name: string, command: string, args: string[], options: SpawnOptions): Service {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const { stdout, stderr } = capture(child, name);
  let exitReason: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitReason = signal ? `${name} was killed by ${signal}` : `${name} exited with code ${code}`;
      resolve();
    });
    child.on('error', (error) => {
      exitReason = `${name}: could not start ${command}: ${error.message}`;
      resolve();
    });
  });

  return {
    name,
    exitReason: () => exitReason,
    output: () => `--- ${name} stderr ---\n${stderr}\n--- ${name} stdout ---\n${stdout}`,
    async stop(graceMs = 10_000) {
      if (exitReason) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
