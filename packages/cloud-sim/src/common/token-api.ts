// The frame shared by the emulators of bearer-token JSON APIs (Hetzner Cloud, Linode, Vultr):
// accounts reached only through their own token, a per-token request budget, a route table,
// faults and errors in each provider's own format, and a request log.

import { RateLimiter } from '../digitalocean/rate-limit';
import { type Fault, type RunningSim, type SimKnobs, type SimResponse, startSimServer } from './server';

/** An error answer: HTTP status, the provider's code word and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteContext<A> {
  account: A;
  url: URL;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  /** Scheme and host the client used, for absolute links. */
  origin: string;
}

export interface RouteResult {
  status: number;
  json?: unknown;
}

export type Route<A> = [
  method: string,
  path: RegExp,
  handler: (ctx: RouteContext<A>, params: string[]) => RouteResult,
];

export const ok = (json: unknown, status = 200): RouteResult => ({ status, json });

export interface RequestRecord {
  method: string;
  path: string;
  /** The bearer token sent, or null. */
  token: string | null;
}

/** Options every token-API emulator takes beside its accounts. */
export interface TokenSimOptions {
  port?: number;
  host?: string;
  /** How long a new machine or volume takes to be ready. Default 1000 ms. */
  bootDelayMs?: number;
  /** How long power actions take to show. Default 500 ms. */
  actionDelayMs?: number;
  /** Per-token request budget. Default: the provider's own. */
  rateLimit?: { limit: number; windowMs: number };
  knobs?: SimKnobs;
}

export interface SimTiming {
  bootDelayMs: number;
  actionDelayMs: number;
}

export const timingOf = (o: TokenSimOptions): SimTiming => ({
  bootDelayMs: o.bootDelayMs ?? 1000,
  actionDelayMs: o.actionDelayMs ?? 500,
});

export interface TokenApiSpec<A> {
  routes: Route<A>[];
  accounts: Map<string, A>;
  /** The provider's error body for an error. */
  errorBody(err: ApiError): unknown;
  unauthorized: ApiError;
  notFound: ApiError;
  /** The provider's answers to the faults tests inject. */
  faults: Record<Fault['status'], ApiError>;
  rateLimit: { limit: number; windowMs: number; exceeded: ApiError };
  /** Rate-limit headers under the provider's names, from limit, remaining and reset (Unix s). */
  rateHeaders(limit: number, remaining: number, resetS: number): Record<string, string>;
  port?: number;
  host?: string;
  knobs?: SimKnobs;
}

export interface TokenApiSim<A = unknown> extends RunningSim {
  readonly requestLog: RequestRecord[];
  /** The account behind a token; throws for an unknown token. */
  account(token: string): A;
}

const LOG_LIMIT = 10_000;

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  if (status === 204 || body === undefined) return { status, headers };
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function decode(part: string, notFound: ApiError): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw notFound;
  }
}

/** Starts one emulator of a bearer-token JSON API on loopback. */
export async function startTokenApi<A>(spec: TokenApiSpec<A>): Promise<TokenApiSim<A>> {
  const limiter = new RateLimiter(spec.rateLimit);
  const requestLog: RequestRecord[] = [];
  const fail = (err: ApiError, headers: Record<string, string> = {}) =>
    json(err.status, spec.errorBody(err), headers);

  const running = await startSimServer(
    (req) => {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
      requestLog.push({ method: req.method, path: req.url.pathname + req.url.search, token });
      if (requestLog.length > LOG_LIMIT) requestLog.splice(0, requestLog.length - LOG_LIMIT);
      const account = token ? spec.accounts.get(token) : undefined;
      if (!token || account === undefined) return fail(spec.unauthorized);
      const budget = limiter.take(token);
      const headers = spec.rateHeaders(
        spec.rateLimit.limit,
        Number(budget.headers['ratelimit-remaining']),
        Number(budget.headers['ratelimit-reset']),
      );
      if (!budget.allowed)
        return fail(spec.rateLimit.exceeded, { ...headers, 'retry-after': String(budget.retryAfterS) });
      try {
        let body: unknown;
        if (req.body.length > 0) {
          try {
            body = JSON.parse(req.body.toString('utf8'));
          } catch {
            throw new ApiError(400, 'invalid_input', 'The request body is not valid JSON.');
          }
        }
        const ctx = { account, url: req.url, body, origin: `http://${req.headers.host ?? '127.0.0.1'}` };
        let pathMatched = false;
        for (const [method, pattern, handler] of spec.routes) {
          const match = pattern.exec(req.url.pathname);
          if (!match) continue;
          pathMatched = true;
          if (method !== req.method) continue;
          const out = handler(
            ctx,
            match.slice(1).map((p) => decode(p, spec.notFound)),
          );
          return json(out.status, out.json, headers);
        }
        if (pathMatched) throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here.`);
        throw spec.notFound;
      } catch (err) {
        if (err instanceof ApiError) return fail(err, headers);
        throw err;
      }
    },
    (fault) => {
      const err = spec.faults[fault.status];
      const retry = String(fault.retryAfterSeconds ?? 1);
      const throttle =
        fault.status === 429 || (fault.status === 503 && fault.retryAfterSeconds !== undefined);
      return fail(err, throttle ? { 'retry-after': retry } : {});
    },
    { port: spec.port, host: spec.host, knobs: spec.knobs },
  );
  return {
    ...running,
    requestLog,
    account(token: string) {
      const account = spec.accounts.get(token);
      if (account === undefined) throw new Error('unknown token');
      return account;
    },
  };
}

/** A whole number from a route parameter or query value, or the answer `otherwise` gives. */
export function wholeNumber(raw: string | null | undefined, otherwise: () => number): number {
  return raw && /^\d{1,15}$/.test(raw) ? Number(raw) : otherwise();
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Seconds-precision ISO time, with the zone as the provider writes it. */
export const isoSeconds = (ms: number, zone: 'Z' | '+00:00' | '' = 'Z') =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, zone);
