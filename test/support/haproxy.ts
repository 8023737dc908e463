import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports';

// HAProxy on loopback in front of several api processes, configured the way the README's
// "Running several instances" describes: round robin without sticky sessions, health checks on
// /readyz, WebSockets tunnelled, and a refused connection retried on another api.

const BINARY = process.env.HAPROXY_BIN ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy');

/** The header naming the api that answered, so tests can tell where a request or socket went. */
export const SERVED_BY = 'x-served-by';

export interface HaproxyHandle {
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  /** What haproxy wrote (its alerts and warnings), for failing tests. */
  logs(): string;
  stop(): Promise<void>;
}

export interface Backend {
  name: string;
  port: number;
}

function config(port: number, backends: Backend[]): string {
  return [
    'global',
    '  maxconn 1024',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An open WebSocket is a tunnel: idle streams and terminals stay up this long.
    '  timeout tunnel 1h',
    // A connection refused (an api that died) is tried again on another api.
    '  retries 3',
    '  option redispatch',
    'frontend overcast',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    '  default_backend api',
    'backend api',
    // A kept-alive connection to an api that has just died fails on its next request, with
    // nothing sent back. A read is safe to send again to another api; nothing else is replayed.
    '  retry-on conn-failure empty-response',
    '  http-request disable-l7-retry if !METH_GET',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  default-server inter 500ms fall 2 rise 2',
    `  http-response set-header ${SERVED_BY} %[srv_name]`,
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    '',
  ].join('\n');
}

/** Starts haproxy in the foreground and waits until it accepts connections. */
export async function startHaproxy(backends: Backend[]): Promise<HaproxyHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'overcast-haproxy-'));
  const port = await freePort();
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config(port, backends));
  let output = '';
  const child: ChildProcess = spawn(BINARY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not start ${BINARY}: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`haproxy exited with ${code}: ${output}`)));
  });
  exited.catch(() => {});
  await Promise.race([waitForPort(port, true), exited]);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    logs: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
