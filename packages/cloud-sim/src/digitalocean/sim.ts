import { randomUUID } from 'node:crypto';
import {
  type Fault,
  type RunningSim,
  type SimKnobs,
  type SimRequest,
  type SimResponse,
  startSimServer,
} from '../common/server';
import { DoAccount, type DoAccountInfo, IdSource } from './account';
import { DoApiError } from './errors';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { route } from './routes';

export interface DoSimAccountOptions {
  /** The bearer token that reaches this account. */
  token: string;
  email?: string;
  uuid?: string;
  /** How many deterministic droplets to seed (up to 100k is fine). */
  droplets?: number;
  /** Seeded droplet names are `<prefix>-000000`, `<prefix>-000001`, ... */
  namePrefix?: string;
  dropletLimit?: number;
  status?: DoAccountInfo['status'];
  /** Domains to seed, each with SOA, NS, an apex A and a www CNAME. Default: example.com. */
  domains?: string[];
  statusMessage?: string;
}

export interface DigitalOceanSimOptions {
  accounts: DoSimAccountOptions[];
  port?: number;
  host?: string;
  /** new -> active delay for created droplets. Default 1000 ms. */
  bootDelayMs?: number;
  /** in-progress -> completed delay for droplet and volume actions. Default 500 ms. */
  actionDelayMs?: number;
  /** Per-token budget. Default: DigitalOcean's 5000 requests per hour. */
  rateLimit?: RateLimitOptions;
  knobs?: SimKnobs;
  /**
   * The first droplet id, from which droplet addresses derive. Emulators in test files that run
   * side by side and each start an sshd on a droplet's address take ranges of their own.
   */
  firstDropletId?: number;
}

export interface DoRequestRecord {
  method: string;
  path: string;
  /** The bearer token sent, or null. */
  token: string | null;
}

export interface DigitalOceanSim extends RunningSim {
  /** Accounts keyed by token. */
  readonly accounts: Map<string, DoAccount>;
  /** The account behind a token; throws for an unknown token. */
  account(token: string): DoAccount;
  addAccount(options: DoSimAccountOptions): DoAccount;
  /** The most recent requests (up to 10,000), oldest first. */
  readonly requestLog: DoRequestRecord[];
}

const LOG_LIMIT = 10_000;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  if (status === 204) return { status, headers };
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

function renderFault(fault: Fault): SimResponse {
  const retryAfter = String(fault.retryAfterSeconds ?? 1);
  switch (fault.status) {
    case 429:
      return json(
        429,
        { id: 'too_many_requests', message: 'API Rate limit exceeded.' },
        {
          'retry-after': retryAfter,
          'ratelimit-limit': '5000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + Number(retryAfter)),
        },
      );
    case 503:
      return json(
        503,
        {
          id: 'service_unavailable',
          message: 'The service is temporarily unavailable. Please try again later.',
        },
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': retryAfter },
      );
    case 502:
      return json(502, { id: 'bad_gateway', message: 'Bad gateway.' });
    default:
      return json(500, { id: 'server_error', message: 'Unexpected server-side error' });
  }
}

/**
 * Starts a DigitalOcean API v2 emulator. Several accounts live side by side, each reached only
 * through its own token, so tests can check that credentials never leak between clouds.
 */
export async function startDigitalOceanSim(options: DigitalOceanSimOptions): Promise<DigitalOceanSim> {
  const ids = new IdSource(options.firstDropletId);
  const timing = { bootDelayMs: options.bootDelayMs ?? 1000, actionDelayMs: options.actionDelayMs ?? 500 };
  const accounts = new Map<string, DoAccount>();
  const limiter = new RateLimiter(options.rateLimit ?? { limit: 5000, windowMs: 3_600_000 });
  const requestLog: DoRequestRecord[] = [];

  const addAccount = (o: DoSimAccountOptions): DoAccount => {
    const account = new DoAccount(
      {
        token: o.token,
        uuid: o.uuid ?? randomUUID(),
        email: o.email ?? `${o.namePrefix ?? 'owner'}@example.com`,
        dropletLimit: o.dropletLimit ?? 1_000_000,
        status: o.status ?? 'active',
        statusMessage: o.statusMessage ?? '',
      },
      ids,
      timing,
    );
    if (o.droplets) account.seed(o.droplets, o.namePrefix);
    for (const name of o.domains ?? ['example.com']) {
      const domain = account.dns.create({ name, ip_address: '203.0.113.10' });
      account.dns.insert(domain, { type: 'CNAME', name: 'www', data: '@' });
    }
    accounts.set(o.token, account);
    return account;
  };
  for (const o of options.accounts) addAccount(o);

  const handler = (req: SimRequest): SimResponse => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
    requestLog.push({ method: req.method, path: req.url.pathname + req.url.search, token });
    if (requestLog.length > LOG_LIMIT) requestLog.splice(0, requestLog.length - LOG_LIMIT);

    const account = token ? accounts.get(token) : undefined;
    if (!token || !account) return json(401, { id: 'Unauthorized', message: 'Unable to authenticate you.' });
    const budget = limiter.take(token);
    if (!budget.allowed) {
      return json(
        429,
        { id: 'too_many_requests', message: 'API Rate limit exceeded.' },
        { ...budget.headers, 'retry-after': String(budget.retryAfterS) },
      );
    }
    try {
      let body: unknown;
      if (req.body.length > 0) {
        try {
          body = JSON.parse(req.body.toString('utf8'));
        } catch {
          throw new DoApiError(400, 'bad_request', 'The request body is not valid JSON.');
        }
      }
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      const out = route(req.method, { account, url: req.url, body, origin });
      return json(out.status, out.json, budget.headers);
    } catch (err) {
      if (err instanceof DoApiError)
        return json(err.status, { id: err.id, message: err.message }, budget.headers);
      return json(500, { id: 'server_error', message: 'Unexpected server-side error' }, budget.headers);
    }
  };

  const running = await startSimServer(handler, renderFault, {
    port: options.port,
    host: options.host,
    knobs: options.knobs,
  });
  return {
    ...running,
    accounts,
    requestLog,
    addAccount,
    account(token: string) {
      const account = accounts.get(token);
      if (!account) throw new Error('unknown token');
      return account;
    },
  };
}
