import WebSocket from 'ws';
import { apiErrorOf, authHeaders, type Endpoint } from './client';
import { CliError } from './errors';

/**
 * A WebSocket to the API with the context's token. A refusal before the upgrade (unknown
 * machine, read-only token, bad token) arrives as an HTTP answer: `onFailure` gets it in the
 * API's words, as it does a connection that cannot be made.
 */
export function openSocket(
  endpoint: Endpoint,
  path: string,
  onFailure: (error: CliError) => void,
): WebSocket {
  const url = `${endpoint.url.replace(/^http/, 'ws')}${path}`;
  const ws = new WebSocket(url, { headers: authHeaders(endpoint) });
  ws.on('unexpected-response', (_request, response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      onFailure(apiErrorOf(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      ws.terminate();
    });
  });
  ws.on('error', (err: NodeJS.ErrnoException) => {
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.CLOSED)
      onFailure(new CliError(`Cannot reach ${endpoint.url}: ${err.code ?? err.message}`));
  });
  return ws;
}
