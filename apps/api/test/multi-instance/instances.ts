import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitForPort } from '../../../../test/support/ports';

// The api and worker as production runs them: their built entry points (dist/main.js, built by the
// global setup), each a process of its own, that a test can stop or kill like an orchestrator.

const root = resolve(import.meta.dirname, '../../../..');

export interface Instance {
  readonly name: string;
  readonly pid: number;
  /** The api's port; 0 for a worker. */
  readonly port: number;
  /** What it printed lately (logs at the level the env sets), for failing tests. */
  output(): string;
  /** Kills it at once (SIGKILL: no shutdown, like a crash or an OOM kill) and waits for the end. */
  kill(): Promise<void>;
  /** SIGTERM, as an orchestrator stops it, and waits for the end. */
  stop(): Promise<void>;
}

function instance(name: string, app: 'api' | 'worker', env: NodeJS.ProcessEnv, port = 0): Instance {
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: resolve(root, 'apps', app),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const ended = new Promise<void>((r) => child.once('exit', () => r()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals) => {
    if (running()) child.kill(signal);
    await ended;
  };
  return {
    name,
    pid: child.pid ?? 0,
    port,
    output: () => output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/** An api listening on a free loopback port; resolves once /readyz answers 200. */
export async function startApi(name: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const port = await freePort();
  const api = instance(
    name,
    'api',
    { ...env, OVERCAST_HOST: '127.0.0.1', OVERCAST_PORT: String(port) },
    port,
  );
  await waitForPort(port, true, 90_000).catch((err) => {
    throw new Error(`${name} did not listen: ${err}\n${api.output()}`);
  });
  const deadline = Date.now() + 30_000;
  while ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${name} never became ready:\n${api.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return api;
}

export const startWorker = (name: string, env: NodeJS.ProcessEnv): Instance => instance(name, 'worker', env);
