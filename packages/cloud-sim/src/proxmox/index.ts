// An emulator of the Proxmox VE API (pveproxy on :8006) over HTTPS with a self-signed
// certificate: API tokens (`Authorization: PVEAPIToken=user@realm!id=secret`) or a ticket from
// `POST /access/ticket` (the PVEAuthCookie, plus the CSRFPreventionToken header for writes),
// refusals in the status line after pveproxy's 3-second delay, `{ data }` envelopes, tasks.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Fault, type RunningSim, SimKnobs } from '../common/server';
import { RateLimiter } from '../digitalocean/rate-limit';
import { PveCluster, PveError } from './cluster';
import { PveNetwork } from './network';
import { NETWORK_ROUTES } from './network-routes';
import { ROUTES } from './routes';
import { makePveCertificate, type PveCertificate } from './tls';

export { PveCluster, PveError, type SimGuest, type SimTask } from './cluster';
export { PveNetwork, type SimFirewall, type SimRule } from './network';
export { makePveCertificate, type PveCertificate } from './tls';

export interface ProxmoxSimOptions {
  port?: number;
  host?: string;
  /** Nodes in the cluster, named pve1, pve2... Default 3. */
  nodes?: number;
  /** Guests seeded besides three templates (9000, 9001 QEMU; 9100 LXC). */
  machines?: number;
  namePrefix?: string;
  /** API tokens: `id` is `user@realm!tokenid`. A read-only one may look but not change. */
  tokens?: Array<{ id: string; secret: string; readOnly?: boolean }>;
  /** Users who log in for a ticket. */
  users?: Array<{ username: string; password: string }>;
  /** How long power actions take. Default 500 ms. */
  actionDelayMs?: number;
  /** How long a clone takes. Default 1000 ms. */
  cloneDelayMs?: number;
  /** pveproxy holds every refused login this long. Default 3000 ms. */
  authFailureDelayMs?: number;
  /**
   * A request budget per user. Proxmox itself has none; this stands for the reverse proxy many
   * put in front of it, which answers 429 Too Many Requests with Retry-After.
   */
  rateLimit?: { limit: number; windowMs: number };
  certificate?: PveCertificate;
  knobs?: SimKnobs;
}

export interface PveRequestRecord {
  method: string;
  path: string;
  /** Who the request authenticated as, or null. */
  user: string | null;
  /** How it authenticated. */
  via: 'token' | 'ticket' | null;
}

export interface ProxmoxSim extends RunningSim {
  readonly cluster: PveCluster;
  /** SDN, bridges and the firewall. */
  readonly net: PveNetwork;
  readonly requestLog: PveRequestRecord[];
  /** The certificate being served; its fingerprint is what a user pastes. */
  readonly certificate: PveCertificate;
  /** Forgets every ticket issued, as a ticket's two hours running out does. */
  expireTickets(): void;
  /** Serves another certificate from now on (a renewal, or someone in the middle). */
  replaceCertificate(certificate: PveCertificate): void;
}

const MAX_POST = 64 * 1024;
const LOG_LIMIT = 10_000;
const REASONS: Record<Fault['status'], string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function decodeForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_POST) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_POST ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** Starts a Proxmox VE API emulator on loopback over HTTPS. */
export async function startProxmoxSim(options: ProxmoxSimOptions = {}): Promise<ProxmoxSim> {
  const knobs = options.knobs ?? new SimKnobs();
  const cluster = new PveCluster(options.nodes ?? 3, {
    actionDelayMs: options.actionDelayMs ?? 500,
    cloneDelayMs: options.cloneDelayMs ?? 1000,
  });
  cluster.seed(options.machines ?? 0, options.namePrefix ?? 'vm');
  const net = new PveNetwork(cluster);
  const tokens = new Map((options.tokens ?? []).map((t) => [t.id, t]));
  const users = new Map((options.users ?? []).map((u) => [u.username, u.password]));
  const tickets = new Map<string, { username: string; csrf: string }>();
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
  const authDelay = options.authFailureDelayMs ?? 3000;
  const requestLog: PveRequestRecord[] = [];
  let certificate = options.certificate ?? makePveCertificate();

  const send = (
    res: ServerResponse,
    status: number,
    reason: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    if (res.destroyed) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    // The status line carries one line of the message, as pveproxy writes it.
    res.writeHead(status, reason.split('\n')[0]!.replace(/[^\t\x20-\x7e]/g, '?'), {
      server: 'pve-api-daemon/3.0',
      'cache-control': 'max-age=0',
      ...(text
        ? {
            'content-type': 'application/json;charset=UTF-8',
            'content-length': String(Buffer.byteLength(text)),
          }
        : {}),
      ...headers,
    });
    res.end(text);
  };
  const fail = (res: ServerResponse, err: PveError, headers: Record<string, string> = {}) =>
    send(
      res,
      err.status,
      err.message,
      { data: null, message: `${err.message}\n`, ...(err.errors ? { errors: err.errors } : {}) },
      headers,
    );
  /** Refused logins get no body, only the status line, and only after the delay. */
  const refuse = async (res: ServerResponse, message: string) => {
    if (authDelay > 0) await sleep(authDelay);
    send(res, 401, message);
  };

  type Identity = { user: string; via: 'token' | 'ticket'; readOnly: boolean; csrf: string | null };
  const identify = (req: IncomingMessage): Identity | string => {
    const authorization = req.headers.authorization ?? '';
    const ticket =
      cookieValue(req.headers.cookie, 'PVEAuthCookie') ?? /PVEAuthCookie=(\S+)/.exec(authorization)?.[1];
    if (ticket) {
      const known = tickets.get(ticket);
      if (!known) return 'permission denied - invalid PVE ticket';
      return { user: known.username, via: 'ticket', readOnly: false, csrf: known.csrf };
    }
    const token = /(?:^|\s)PVEAPIToken[= ](\S+)/.exec(authorization)?.[1];
    if (!token) return 'No ticket';
    const at = token.indexOf('=');
    if (at < 0) return 'no tokenid specified';
    const id = token.slice(0, at);
    const secret = token.slice(at + 1);
    const [user, name] = id.split('!');
    if (!user || !name || !user.includes('@'))
      return `'${id}' is not a valid token ID - not able to split into user and token parts`;
    const known = tokens.get(id);
    if (!known) return `no such token '${name}' for user '${user}'`;
    if (known.secret !== secret) return 'invalid token value!';
    return { user: id, via: 'token', readOnly: known.readOnly === true, csrf: null };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    knobs.requests += 1;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://pve.local');
    const body = await readBody(req);
    if (knobs.hangMs > 0) await sleep(knobs.hangMs);
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
    const logged: PveRequestRecord = { method, path: url.pathname + url.search, user: null, via: null };
    requestLog.push(logged);
    if (requestLog.length > LOG_LIMIT) requestLog.splice(0, requestLog.length - LOG_LIMIT);
    if (body === null) return send(res, 501, 'for data too large');
    const fault = knobs.nextFault();
    if (fault) {
      const retry = fault.status === 429 || (fault.status === 503 && fault.retryAfterSeconds !== undefined);
      return send(
        res,
        fault.status,
        REASONS[fault.status],
        undefined,
        retry ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {},
      );
    }
    const rel = /^\/api2\/json(\/.*)?$/.exec(url.pathname);
    if (!rel) return send(res, 501, 'no such uri');
    const path = rel[1] ?? '/';
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    let params: Record<string, string> = {};
    if (body.length > 0) {
      if (type === 'application/json') {
        try {
          params = Object.fromEntries(
            Object.entries(JSON.parse(body.toString('utf8'))).map(([k, v]) => [k, String(v)]),
          );
        } catch {
          return fail(res, new PveError(400, 'malformed JSON string'));
        }
      } else if (type === '' || type === 'application/x-www-form-urlencoded') {
        params = decodeForm(body.toString('utf8'));
      } else return send(res, 506, `upload 'Content-Type '${type}' not implemented`);
    }
    for (const [k, v] of url.searchParams) params[k] = v;

    if (path === '/access/ticket' && method === 'POST') {
      const { username = '', password = '' } = params;
      if (users.get(username) !== password || !users.has(username))
        return refuse(res, 'authentication failure');
      const stamp = Math.floor(Date.now() / 1000)
        .toString(16)
        .toUpperCase();
      const ticket = `PVE:${username}:${stamp}::${randomBytes(48).toString('base64')}`;
      const csrf = `${stamp}:${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
      tickets.set(ticket, { username, csrf });
      logged.user = username;
      return send(res, 200, 'OK', {
        data: { username, ticket, CSRFPreventionToken: csrf, cap: { vms: { 'VM.PowerMgmt': 1 } } },
      });
    }
    const who = identify(req);
    if (typeof who === 'string') return refuse(res, who);
    logged.user = who.user;
    logged.via = who.via;
    if (who.via === 'ticket' && method !== 'GET' && req.headers.csrfpreventiontoken !== who.csrf)
      return refuse(res, 'Permission denied - invalid csrf token');
    if (limiter) {
      const budget = limiter.take(who.user);
      if (!budget.allowed)
        return send(res, 429, 'Too Many Requests', undefined, { 'retry-after': String(budget.retryAfterS) });
    }
    try {
      for (const [m, pattern, handler] of [...ROUTES, ...NETWORK_ROUTES]) {
        const match = pattern.exec(path);
        if (!match || m !== method) continue;
        const out = handler(
          { cluster, net, params, user: who.user, readOnly: who.readOnly },
          match.slice(1).map((p) => decodeURIComponent(p)),
        );
        return send(res, 200, 'OK', {
          data: out.data,
          ...(out.total !== undefined ? { total: out.total } : {}),
        });
      }
      throw new PveError(501, `Method '${method} ${path}' not implemented`);
    } catch (err) {
      if (err instanceof PveError) return fail(res, err);
      if (err instanceof URIError)
        return fail(
          res,
          new PveError(400, 'Parameter verification failed.', { path: 'invalid URI encoding' }),
        );
      throw err;
    }
  };

  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, `emulator error: ${err.message}`));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    knobs,
    cluster,
    net,
    requestLog,
    get certificate() {
      return certificate;
    },
    expireTickets() {
      tickets.clear();
    },
    replaceCertificate(next: PveCertificate) {
      certificate = next;
      server.setSecureContext({ cert: next.cert, key: next.key });
      server.closeIdleConnections();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
