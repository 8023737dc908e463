import type { StreamEvent } from '@overcast/contracts';
import type WebSocket from 'ws';
import type { Endpoint } from './client';
import { ApiError, CliError } from './errors';
import { openSocket } from './socket';

/** Close codes that end a stream for good: access revoked (4401) or narrowed (4403), a limit (1008). */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 1008]);
const MAX_DELAY_MS = 30_000;

export interface EventStream {
  /** Resolves once the server said hello: events from now on arrive. */
  ready: Promise<void>;
  close(): void;
}

export interface StreamHandlers {
  onEvent(event: StreamEvent): void;
  /** Connected again after a break: events may have been missed. */
  onResume?(): void;
  /** The stream ended for good (revoked, refused); the reason in the API's words. */
  onEnd(error: CliError): void;
}

/** The live event stream (GET /api/v1/stream), reconnecting with growing delays after a break. */
export function openEventStream(endpoint: Endpoint, handlers: StreamHandlers): EventStream {
  let closed = false;
  let attempt = 0;
  let everConnected = false;
  let socket: WebSocket | null = null;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  let failReady: (err: CliError) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => {});

  const end = (error: CliError) => {
    if (closed) return;
    closed = true;
    failReady(error);
    handlers.onEnd(error);
  };

  const connect = () => {
    // Refused or unreachable before the first hello: nothing to wait for. After it, a break retries.
    const ws = openSocket(endpoint, '/api/v1/stream', (error) => {
      if (!everConnected || error instanceof ApiError) end(error);
    });
    socket = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: StreamEvent | { type: 'hello' } | { type: 'error'; message: string };
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (message.type === 'hello') {
        attempt = 0;
        if (everConnected) handlers.onResume?.();
        everConnected = true;
        markReady();
        return;
      }
      if (message.type === 'error') return end(new CliError(message.message));
      handlers.onEvent(message);
    });
    ws.on('close', (code, reason) => {
      if (closed || socket !== ws) return;
      socket = null;
      if (FINAL_CLOSE_CODES.has(code))
        return end(new CliError(`The event stream was closed: ${reason.toString() || code}`));
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt);
      attempt += 1;
      timer = setTimeout(connect, delay);
    });
  };
  connect();

  return {
    ready,
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000);
    },
  };
}
