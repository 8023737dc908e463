import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A fault the emulator serves instead of the real answer, for the next `count` requests. */
export interface Fault {
  status: 429 | 500 | 502 | 503;
  count: number;
  /** Sent as Retry-After (seconds) on 429/503. */
  retryAfterSeconds?: number;
  /** Requests answered normally before the burst starts (a listing failing on a later page). */
  after?: number;
}

/** Knobs shared by every emulator; tests and benchmarks change them at run time. */
export class SimKnobs {
  /** Added before every answer. */
  latencyMs = 0;
  /** When > 0, requests hang this long before any answer (simulates a provider timeout). */
  hangMs = 0;
  private faults: Fault[] = [];
  /** Requests seen, for tests that count calls (pagination, retries). */
  requests = 0;

  /** Queue a burst: the next `count` requests answer `status`. */
  burst(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Takes the next pending fault, if any. */
  nextFault(): Fault | undefined {
    const head = this.faults[0];
    if (!head) return undefined;
    if (head.after) {
      head.after -= 1;
      return undefined;
    }
    head.count -= 1;
    if (head.count <= 0) this.faults.shift();
    return head;
  }
}

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type SimHandler = (req: SimRequest) => Promise<SimResponse> | SimResponse;
/** Renders a fault in the provider's own error format. */
export type FaultRenderer = (fault: Fault) => SimResponse;

export interface RunningSim {
  url: string;
  port: number;
  knobs: SimKnobs;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts an HTTP emulator on loopback. Port 0 picks a free port. */
export async function startSimServer(
  handler: SimHandler,
  renderFault: FaultRenderer,
  options: {
    port?: number;
    host?: string;
    knobs?: SimKnobs;
    /** Serve HTTPS with this pair (APIs whose clients refuse plain HTTP, such as Azure's). */
    tls?: { key: string; cert: string };
  } = {},
): Promise<RunningSim> {
  const knobs = options.knobs ?? new SimKnobs();
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    knobs.requests += 1;
    try {
      const body = await readBody(req);
      if (knobs.hangMs > 0) await sleep(knobs.hangMs);
      if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
      const fault = knobs.nextFault();
      const out = fault
        ? renderFault(fault)
        : await handler({
            method: req.method ?? 'GET',
            url: new URL(req.url ?? '/', options.tls ? 'https://sim.local' : 'http://sim.local'),
            headers: req.headers,
            body,
          });
      if (res.destroyed) return;
      res.writeHead(out.status, out.headers ?? {});
      res.end(out.body ?? '');
    } catch (err) {
      if (res.destroyed) return;
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`emulator error: ${(err as Error).message}`);
    }
  };
  const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  // Keep-alive sockets would hold close() open; the emulators are short-lived.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    knobs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
