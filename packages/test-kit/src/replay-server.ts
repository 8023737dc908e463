import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface SeenRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface ScriptedAnswer {
  status: number;
  /** A file of the replay's folder, or '' for an empty body. */
  file: string;
  headers?: Record<string, string>;
}

/** JSON bodies parsed; others (Route 53's XML) kept as text. */
function parsed(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export interface ReplayServer {
  url: string;
  /** Answers by "METHOD /path?query"; anything else gets the fallback. */
  script: Map<string, ScriptedAnswer>;
  seen: SeenRequest[];
  /** Forgets the script and what was seen. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers scripted requests with recorded response files, so a
 * driver can be fed real provider answers through its real client.
 */
export async function startReplayServer(
  folder: string,
  fallback: { status: number; body: string },
  /** Serve HTTPS with this pair, for clients that send tokens over TLS only (Azure's). */
  tls?: { key: string; cert: string },
): Promise<ReplayServer> {
  const script = new Map<string, ScriptedAnswer>();
  const seen: SeenRequest[] = [];
  const listener = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const key = `${req.method} ${req.url}`;
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: raw ? parsed(raw) : undefined,
      });
      const hit = script.get(key);
      if (!hit) {
        res.writeHead(fallback.status, { 'content-type': 'application/json' });
        res.end(fallback.body);
        return;
      }
      res.writeHead(hit.status, { 'content-type': 'application/json', ...hit.headers });
      res.end(hit.file ? readFileSync(path.join(folder, hit.file)) : '');
    });
  };
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script,
    seen,
    reset() {
      script.clear();
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
