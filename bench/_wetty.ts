// WeTTY (the `wetty` npm package, the web terminal people self-host) as a peer of the api's
// terminal in `pnpm bench terminal`. Installed on first use into bench/.peers/wetty, pinned,
// with its native node-pty built there: a bench dependency stays out of the workspace and image.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const WETTY = 'wetty@3.2.0';
const SOCKET_IO_CLIENT = 'socket.io-client@4.8.1';
const dir = resolve(import.meta.dirname, '.peers/wetty');
const main = join(dir, 'node_modules/wetty/build/main.js');
const pty = join(dir, 'node_modules/node-pty/build/Release/pty.node');

/** Node's own headers, for node-pty's build without a download. */
function nodeHeaders(): string {
  for (const candidate of [resolve(dirname(process.execPath), '..'), '/usr']) {
    if (existsSync(join(candidate, 'include/node/node_api.h'))) return candidate;
  }
  throw new Error("Node's headers were not found (install nodejs' headers, e.g. Debian's libnode-dev)");
}

export function ensureWetty(): void {
  if (!existsSync(main)) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json')))
      writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', WETTY, SOCKET_IO_CLIENT], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  if (!existsSync(pty)) {
    execFileSync('npx', ['--yes', 'node-gyp', 'rebuild', `--nodedir=${nodeHeaders()}`], {
      cwd: join(dir, 'node_modules/node-pty'),
      stdio: 'ignore',
    });
  }
}

export interface WettyServer {
  base: string;
  stop(): void;
}

/** WeTTY in its own process, logging in to the sshd with the key file, as its docs show. */
export async function startWetty(ssh: { host: string; port: number; user: string; keyFile: string }) {
  ensureWetty();
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    [
      main,
      '--host=127.0.0.1',
      '--base=/wetty/',
      `--port=${port}`,
      `--ssh-host=${ssh.host}`,
      `--ssh-port=${ssh.port}`,
      `--ssh-user=${ssh.user}`,
      '--ssh-auth=publickey',
      `--ssh-key=${ssh.keyFile}`,
      '--force-ssh',
      '--log-level=error',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } },
  );
  process.once('exit', () => child.kill());
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/wetty/`).catch(() => null))?.ok) break;
    if (i > 200) throw new Error('WeTTY did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: () => child.kill() } satisfies WettyServer;
}

interface Socket {
  on(event: string, cb: (...args: never[]) => void): Socket;
  once(event: string, cb: (...args: never[]) => void): Socket;
  emit(event: string, ...args: unknown[]): Socket;
  close(): void;
}

/**
 * WeTTY's browser client over socket.io, as its bundle does it: `input` for keystrokes, `data`
 * for output, and a `commit` of 256 KiB acknowledged, which its server's flow control waits for.
 */
export async function wettySocket(base: string, onData: (chunk: Buffer) => void): Promise<Socket> {
  const io = createRequire(join(dir, 'package.json'))('socket.io-client') as {
    io(url: string, options: Record<string, unknown>): Socket;
  };
  const socket = io.io(base, { path: '/wetty/socket.io', transports: ['websocket'] });
  const ACK = 262_144;
  let unacked = 0;
  socket.on('data', (data: string) => {
    onData(Buffer.from(data, 'utf8'));
    unacked += data.length;
    if (unacked >= ACK) {
      unacked -= ACK;
      socket.emit('commit', ACK);
    }
  });
  await new Promise<void>((ok, fail) => {
    socket.once('login', () => ok());
    socket.once('connect_error', (err: Error) => fail(err));
  });
  socket.emit('resize', { cols: 120, rows: 40 });
  return socket;
}
