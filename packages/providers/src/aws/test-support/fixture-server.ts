// Test support: a loopback HTTP server that answers EC2 Query requests with recorded
// responses, so the driver is exercised through the real SDK and its real XML parsing.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { libcloudFixtures } from '@overcast/test-kit';

export const EC2_FIXTURES = libcloudFixtures('ec2');

export function fixture(name: string): string {
  return readFileSync(path.join(EC2_FIXTURES, name), 'utf8');
}

export interface Answer {
  status?: number;
  /** A file of EC2_FIXTURES. */
  file?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  action: string;
  region: string | undefined;
  params: URLSearchParams;
}

export interface FixtureServer {
  url: string;
  requests: SeenRequest[];
  /** Requests for one action, in order. */
  seen(action: string): SeenRequest[];
  close(): Promise<void>;
}

/**
 * `routes` maps an Action to its answer; a list answers in turn (the last one repeats).
 * Unrouted actions get EC2's InvalidAction error so a missing route fails loudly.
 */
export async function startFixtureServer(routes: Record<string, Answer | Answer[]>): Promise<FixtureServer> {
  const requests: SeenRequest[] = [];
  const served = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = params.get('Action') ?? '';
      const region = /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
      requests.push({ action, region, params });
      const route = routes[action];
      const list = Array.isArray(route) ? route : route ? [route] : [];
      const index = served.get(action) ?? 0;
      served.set(action, index + 1);
      const answer = list[Math.min(index, list.length - 1)];
      if (!answer) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>The action ${action} is not valid for this web service.</Message></Error></Errors><RequestID>0</RequestID></Response>`,
        );
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/xml;charset=UTF-8', ...answer.headers });
      res.end(answer.file ? fixture(answer.file) : (answer.body ?? ''));
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    seen: (action) => requests.filter((r) => r.action === action),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
