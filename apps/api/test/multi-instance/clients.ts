import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { SERVED_BY } from '../../../../test/support/haproxy';

// The two long-lived sockets a browser keeps, as a person's browser would keep them through a
// load balancer: the event stream, which reconnects by itself, and a terminal, which does not.

const servedBy = (res: IncomingMessage) => String(res.headers[SERVED_BY] ?? '');

export interface StreamEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * GET /api/v1/stream kept open the way the web app keeps it (apps/web/src/live/socket.ts): after a
 * break it connects again with growing, jittered delays (1 s, 2 s, 4 s ... 30 s), the count reset
 * by each `hello`. Records which api served each connection and what arrived on it.
 */
export class LiveStream {
  /** The api behind each connection, in order. */
  readonly connections: string[] = [];
  readonly events: (StreamEvent & { connection: number })[] = [];
  hellos = 0;
  private attempt = 0;
  private socket: WebSocket | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {
    this.connect();
  }

  /** The api serving the current connection, once its `hello` came. */
  get server(): string | undefined {
    return this.socket?.readyState === WebSocket.OPEN ? this.connections.at(-1) : undefined;
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/v1/stream`, {
      headers: { cookie: this.cookie },
    });
    this.socket = ws;
    ws.on('upgrade', (res) => this.connections.push(servedBy(res)));
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as StreamEvent;
      if (event.type === 'hello') {
        this.attempt = 0;
        this.hellos += 1;
      } else this.events.push({ ...event, connection: this.connections.length });
    });
    // A refused or failed upgrade ends in 'close' as well.
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.socket !== ws || this.closed) return;
      this.socket = null;
      const delay = Math.min(30_000, 1000 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
      this.attempt += 1;
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'page closed');
  }
}

/** A machine's web terminal (GET /api/v1/machines/:id/shell): bytes both ways, JSON controls. */
export class Terminal {
  server = '';
  private output = '';
  private ended = false;
  /** The JSON control messages the server sent (status, errors). */
  readonly controls: { type: string; state?: string }[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string, cookie: string, machineId: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/machines/${machineId}/shell`, {
      headers: { cookie },
    });
    this.ws.on('upgrade', (res) => {
      this.server = servedBy(res);
    });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString('utf8');
      else this.controls.push(JSON.parse(data.toString('utf8')));
    });
    this.ws.on('close', () => {
      this.ended = true;
    });
    this.ws.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade: ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
  }

  /** Whether the SSH session behind it is up. */
  get connected(): boolean {
    return this.controls.some((c) => c.type === 'status' && c.state === 'connected');
  }

  get closed(): boolean {
    return this.ended;
  }

  text(): string {
    return this.output;
  }

  type(line: string): void {
    this.ws.send(Buffer.from(`${line}\n`), { binary: true });
  }

  close(): void {
    this.ws.close();
  }
}
