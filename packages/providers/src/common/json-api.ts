// A small typed client for the JSON REST APIs whose SDKs we do not use (Hetzner Cloud, Linode,
// Vultr): one bearer token per client, every connection resolved through the given lookup, the
// common retry rules, and every failure a ProviderError in the provider's own words.

import { lookup as dnsLookup } from 'node:dns';
import type http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { lookupAgents } from './agents';
import { exchange } from './http-exchange';
import { parseRetryAfter, withRetry } from './retry';

/** Non-secret settings shared by these drivers (`DriverInit.config`). */
export interface JsonApiConfig {
  /** Items per list page, bounded by the provider's maximum. */
  perPage: number;
  /** Per-request timeout. Default 15 s. */
  requestTimeoutMs: number;
  /** Attempts per call including the first, for throttling and outages. Default 5. */
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

export function readJsonApiConfig(raw: Record<string, unknown> = {}, maxPerPage: number): JsonApiConfig {
  return {
    perPage: Math.trunc(num(raw.perPage, maxPerPage, 1, maxPerPage)),
    requestTimeoutMs: num(raw.requestTimeoutMs, 15_000, 1, 600_000),
    retryAttempts: Math.trunc(num(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: num(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: num(raw.retryMaxDelayMs, 20_000, 0, 600_000),
  };
}

/** What a provider says in an error answer. `kind` overrides the one its HTTP status implies. */
export interface ProviderWords {
  message: string;
  code?: string;
  kind?: ProviderErrorKind;
}

export interface JsonApiOptions {
  /** The provider's name, for failures that have no words of its own ("Vultr did not answer"). */
  provider: string;
  /** API root without a trailing slash, e.g. https://api.hetzner.cloud/v1. */
  root: string;
  token: string;
  lookup?: LookupFunction;
  config: JsonApiConfig;
  /** Reads the provider's error body; null when it carries no message. */
  readError(body: unknown): ProviderWords | null;
}

export interface JsonRequest {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** False for calls that must not run twice (creates). Default: true for GET, PUT, DELETE. */
  idempotent?: boolean;
}

function kindFor(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 423) return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Retry-After wins; failing that, the Unix time at which the rate-limit budget refills. */
function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const explicit = parseRetryAfter(first(headers['retry-after']));
  if (explicit !== undefined) return explicit;
  const reset = Number(first(headers['ratelimit-reset'] ?? headers['x-ratelimit-reset']));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
}

export class JsonApi {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly options: JsonApiOptions) {
    // One pair of agents per client: its keep-alive sockets are never shared with another account.
    this.agents = lookupAgents(options.lookup ?? dnsLookup);
  }

  get config(): JsonApiConfig {
    return this.options.config;
  }

  /** One call with the common retry rules: throttling always, outages only when idempotent. */
  request<T>(method: string, path: string, req: JsonRequest = {}): Promise<T> {
    const { config } = this.options;
    return withRetry(() => this.once<T>(method, path, req), {
      attempts: config.retryAttempts,
      baseDelayMs: config.retryBaseDelayMs,
      maxDelayMs: config.retryMaxDelayMs,
      signal: req.signal,
      idempotent: req.idempotent ?? method !== 'POST',
    });
  }

  private async once<T>(method: string, path: string, req: JsonRequest): Promise<T> {
    const url = new URL(this.options.root + path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const secure = url.protocol === 'https:';
    const answer = await exchange(this.options.provider, {
      method,
      url,
      agent: secure ? this.agents.https : this.agents.http,
      headers: { authorization: `Bearer ${this.options.token}` },
      body: req.body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(req.body) },
      signal: req.signal,
      timeoutMs: this.options.config.requestTimeoutMs,
    });
    let body: unknown;
    if (answer.text.trim() !== '') {
      try {
        body = JSON.parse(answer.text);
      } catch {
        if (answer.status < 400)
          throw new ProviderError(
            'unavailable',
            `${this.options.provider} answered with something not JSON`,
            {
              status: answer.status,
            },
          );
      }
    }
    if (answer.status >= 200 && answer.status < 300) return body as T;
    const words = body === undefined ? null : this.options.readError(body);
    const throttled = answer.status === 429 || answer.status === 503;
    throw new ProviderError(
      words?.kind ?? kindFor(answer.status),
      words?.message || `${this.options.provider} answered HTTP ${answer.status}`,
      {
        status: answer.status,
        code: words?.code,
        retryAfterMs: throttled ? retryAfterMs(answer.headers) : undefined,
      },
    );
  }
}

/** A success answer missing the object it exists to return is an outage, not a crash. */
export function present<T>(value: T | null | undefined, provider: string, what: string): T {
  if (value === null || value === undefined || typeof value !== 'object') {
    throw new ProviderError('unavailable', `${provider} answered without a ${what}`);
  }
  return value;
}

/** Decimal money without passing through a float when the provider sends a string. */
export function decimal(value: number | string | null | undefined, currency: string) {
  let text: string;
  if (typeof value === 'number' && Number.isFinite(value)) text = value.toFixed(10);
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) text = value;
  else return undefined;
  const [whole, fraction = ''] = text.split('.');
  return { amount: `${whole}.${fraction.replace(/0+$/, '').padEnd(4, '0')}`, currency };
}

export function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  // Linode writes UTC times without a zone ("2020-10-08T18:51:29").
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Walks a provider's pages from `first` until `fetch` gives no next cursor (or an empty page);
 * stops quietly when the signal aborts.
 */
export async function* walkPages<T, C>(
  first: C,
  fetch: (cursor: C) => Promise<{ items: T[]; next: C | null }>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  for (let cursor: C | null = first; cursor !== null; ) {
    if (signal?.aborted) return;
    let page: { items: T[]; next: C | null };
    try {
      page = await fetch(cursor);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    for (const item of page.items) yield item;
    if (page.items.length === 0) return;
    cursor = page.next;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The API root: the endpoint override (or `fallback`), ending in `/<version>` with or without it given. */
export function apiRoot(endpoint: string | null | undefined, fallback: string, version: string): string {
  const base = (endpoint ?? fallback).replace(/\/+$/, '');
  return base.endsWith(`/${version}`) ? base : `${base}/${version}`;
}

/** The token from `credentials`, trimmed; refused as an auth error when missing or blank. */
export function requireToken(credentials: { token?: unknown } | undefined, what: string): string {
  const token = credentials?.token;
  if (typeof token !== 'string' || token.trim() === '')
    throw new ProviderError('auth', `${what} is required.`);
  return token.trim();
}
