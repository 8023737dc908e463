import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitForPort } from './ports';

/** A redis-server of the test run's own: no other run or stack can take its jobs, and it can be restarted. */
export interface RedisServer {
  readonly port: number;
  /** A URL on one of its logical databases (0 by default). */
  url(db?: number): string;
  /** Kills it (SIGKILL, nothing saved: like a crash) and waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    const proc = spawn(
      BINARY,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`could not start ${BINARY}: ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`${BINARY} exited with ${code}: ${stderr}`)));
    });
    exited.catch(() => {});
    await Promise.race([waitForPort(port, true), exited]);
    child = proc;
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await gone;
    await waitForPort(port, false);
  };
  await launch();
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: kill,
  };
}
