import { existsSync, unlinkSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { DockerEngine, EngineError } from './model';
import { API_VERSION, checkVersion, execOf, type RouteContext, route, splitVersion } from './routes';
import { frame, isShell, readsScript, runCommand, runScript, runTtyShell } from './shell';
import type { TlsMaterial } from './tls';

export interface DockerSimOptions {
  /** Serve on this unix socket. */
  socketPath?: string;
  /** Serve plain HTTP on loopback TCP (port 0 picks one). */
  tcpPort?: number;
  /** Serve HTTPS with client-certificate checks on loopback TCP (port 0 picks one). */
  tls?: { port?: number; material: TlsMaterial };
  engine?: DockerEngine;
  /** Delay between image pull progress lines. Default 20 ms. */
  pullStepMs?: number;
}

export interface DockerSim {
  readonly engine: DockerEngine;
  readonly socketPath: string | null;
  /** http://127.0.0.1:port when TCP is served. */
  readonly tcpUrl: string | null;
  /** https://127.0.0.1:port when TLS is served. */
  readonly tlsUrl: string | null;
  /** Open /events streams right now. */
  eventStreamCount(): number;
  /** The engine goes away: listeners closed, every connection (event streams included) cut. */
  suspend(): Promise<void>;
  /** The engine is back on the same socket and ports. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new EngineError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Runs an exec on a raw stream: a TTY shell, or one command with multiplexed output. */
async function runExec(ctx: RouteContext, execId: string, stream: Duplex): Promise<void> {
  const exec = execOf(ctx.engine, execId);
  const container = ctx.engine.containers.get(exec.containerId);
  exec.running = true;
  exec.started = true;
  let code = 0;
  const image = container
    ? [...ctx.engine.images.values()].find((i) => i.id === container.imageId)
    : undefined;
  const write = (text: string, which: 1 | 2 = 1) =>
    stream.write(exec.tty ? text.replaceAll('\n', '\r\n') : frame(which, text));
  if (container?.status !== 'running') {
    write(`Container ${exec.containerId} is not running\n`, 2);
    code = 126;
  } else if (image && !image.hasShell && isShell(exec.cmd)) {
    write(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${exec.cmd[0]}": stat ${exec.cmd[0]}: no such file or directory: unknown\n`,
      2,
    );
    code = 127;
  } else if (isShell(exec.cmd) && exec.tty) {
    code = await runTtyShell(stream, container, exec.env, () => exec.size);
  } else if (exec.attachStdin && !exec.tty && readsScript(exec.cmd)) {
    code = await runScript(stream, container, exec.env, exec.size, write);
  } else {
    const argv = isShell(exec.cmd)
      ? []
      : exec.cmd[0] === 'sh' && exec.cmd[1] === '-c'
        ? (exec.cmd[2] ?? '').split(/\s+/)
        : exec.cmd;
    const result = runCommand(container, exec.env, exec.size, argv);
    write(result.output, result.code === 127 ? 2 : 1);
    code = result.code;
  }
  exec.running = false;
  exec.exitCode = code;
  ctx.engine.emitEvent('container', 'exec_die', exec.containerId, {
    execID: exec.id,
    exitCode: String(code),
    image: container?.image ?? '',
    name: container?.name ?? '',
  });
  stream.end();
}

/** Reads the JSON body that follows the headers of an upgrade request, leaving the rest as stdin. */
function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? 0);
  const chunked = /chunked/i.test(String(req.headers['transfer-encoding'] ?? ''));
  return new Promise((resolve) => {
    let buffer = head;
    const done = (body: Buffer, rest: Buffer) => {
      socket.off('data', onData);
      if (rest.length > 0) socket.unshift(rest);
      resolve(body);
    };
    const check = () => {
      if (chunked) {
        // An empty chunked body (docker-modem sends one when there is no JSON): "0\r\n\r\n".
        const end = buffer.indexOf('0\r\n\r\n');
        if (end === 0) return done(Buffer.alloc(0), buffer.subarray(5));
        if (end > 0) {
          const text = buffer.subarray(0, end).toString();
          const body = text.replace(/(^|\r\n)[0-9a-fA-F]+\r\n/g, '').replace(/\r\n$/g, '');
          return done(Buffer.from(body), buffer.subarray(end + 5));
        }
        return;
      }
      if (buffer.length >= length) done(buffer.subarray(0, length), buffer.subarray(length));
    };
    const onData = (c: Buffer) => {
      buffer = Buffer.concat([buffer, c]);
      check();
    };
    socket.on('data', onData);
    check();
  });
}

export async function startDockerSim(options: DockerSimOptions): Promise<DockerSim> {
  const engine = options.engine ?? new DockerEngine();
  const ctx: RouteContext = { engine, pullStepMs: options.pullStepMs ?? 20, eventStreams: new Set() };
  const sockets = new Set<Socket | Duplex>();

  const execStart = (id: string, body: Record<string, unknown>, res: ServerResponse) => {
    const exec = execOf(engine, id);
    if (exec.started) throw new EngineError(409, `Exec ${id} has already started`);
    const detached = body.Detach === true;
    if (detached) res.writeHead(200).end();
    else
      res.writeHead(200, {
        'content-type': exec.tty
          ? 'application/vnd.docker.raw-stream'
          : 'application/vnd.docker.multiplexed-stream',
        'api-version': API_VERSION,
      });
    // Without an upgrade there is no stdin: the exec reads EOF at once.
    const out = new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        if (detached) cb();
        else res.write(chunk, () => cb());
      },
      final(cb) {
        if (!detached) res.end();
        cb();
      },
    });
    out.push(null);
    void runExec(ctx, id, out);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(req);
      await route(ctx, req, res, body, (id, b, r) => {
        try {
          execStart(id, b, r);
        } catch (err) {
          const e = err as EngineError;
          r.writeHead(e.status ?? 500, { 'content-type': 'application/json' });
          r.end(JSON.stringify({ message: e.message }));
        }
      });
    } catch (err) {
      if (res.headersSent) return;
      res.writeHead((err as EngineError).status ?? 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: (err as Error).message }));
    }
  };

  // POST /exec/{id}/start with "Upgrade: tcp": answer 101 and hand the socket to the exec.
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const fail = (status: number, message: string) => {
      const body = JSON.stringify({ message });
      socket.end(
        `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 409 ? 'Conflict' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    try {
      const url = new URL(req.url ?? '/', 'http://docker');
      const { version, path } = splitVersion(url.pathname);
      checkVersion(version);
      const m = /^\/exec\/([^/]+)\/start$/.exec(path);
      if (!m || req.method !== 'POST') return fail(404, 'page not found');
      const id = decodeURIComponent(m[1] as string);
      const exec = execOf(engine, id);
      if (exec.started) return fail(409, `Exec ${id} has already started`);
      await readUpgradeBody(req, socket, head);
      socket.write(
        'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      );
      await runExec(ctx, id, socket);
    } catch (err) {
      const e = err as EngineError;
      fail(e.status ?? 500, e.message);
    }
  };

  const servers: { server: Server; listen: () => Promise<void> }[] = [];
  const track = (server: Server) => {
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('secureConnection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('request', (req, res) => void onRequest(req, res));
    server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head));
    // Longer than clients keep idle sockets, so a reused socket is never closed under a request.
    server.keepAliveTimeout = 65_000;
  };

  let socketPath: string | null = null;
  let tcpUrl: string | null = null;
  let tlsUrl: string | null = null;

  if (options.socketPath) {
    const path = options.socketPath;
    const server = createHttpServer();
    track(server);
    servers.push({
      server,
      listen: () =>
        new Promise((resolve, reject) => {
          if (existsSync(path)) unlinkSync(path);
          server.once('error', reject);
          server.listen(path, () => resolve());
        }),
    });
    socketPath = path;
  }
  if (options.tcpPort !== undefined) {
    const server = createHttpServer();
    track(server);
    let port = options.tcpPort;
    servers.push({
      server,
      listen: () =>
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            port = (server.address() as AddressInfo).port;
            tcpUrl = `http://127.0.0.1:${port}`;
            resolve();
          });
        }),
    });
  }
  if (options.tls) {
    const { material } = options.tls;
    const server = createHttpsServer({
      key: material.serverKey,
      cert: material.serverCert,
      ca: material.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
    track(server as unknown as Server);
    let port = options.tls.port ?? 0;
    servers.push({
      server: server as unknown as Server,
      listen: () =>
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            port = (server.address() as AddressInfo).port;
            tlsUrl = `https://127.0.0.1:${port}`;
            resolve();
          });
        }),
    });
  }
  if (servers.length === 0) throw new Error('startDockerSim needs a socketPath, a tcpPort or tls');

  const listenAll = async () => {
    for (const s of servers) await s.listen();
  };
  const closeAll = async () => {
    for (const res of ctx.eventStreams) res.destroy();
    for (const s of sockets) s.destroy();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.server.closeAllConnections?.();
            s.server.close(() => resolve());
          }),
      ),
    );
  };
  await listenAll();

  return {
    engine,
    socketPath,
    get tcpUrl() {
      return tcpUrl;
    },
    get tlsUrl() {
      return tlsUrl;
    },
    eventStreamCount: () => ctx.eventStreams.size,
    suspend: closeAll,
    resume: listenAll,
    close: async () => {
      await closeAll();
      if (socketPath && existsSync(socketPath)) unlinkSync(socketPath);
    },
  };
}
