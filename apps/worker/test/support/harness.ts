import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The worker package: tests run its build (dist/main.js), as production does. */
export const workerDir = resolve(import.meta.dirname, '../..');

/** Starts the built worker; its logs show with WORKER_LOGS=1. */
export const spawnWorker = (
  env: NodeJS.ProcessEnv,
  stdio: StdioOptions = process.env.WORKER_LOGS ? 'inherit' : 'ignore',
): ChildProcess => spawn(process.execPath, ['dist/main.js'], { cwd: workerDir, env, stdio });

/** Resolves with the exit code once the process has ended. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

/** Polls until the probe answers something truthy, and returns it. */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
