// One HTTP exchange with an OpenStack service: the caller's lookup for every connection, a
// bounded answer, headers kept (Keystone's token arrives in X-Subject-Token), and every failure a
// ProviderError in the service's own words.

import type http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type https from 'node:https';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { exchange as exchangeRaw } from '../common/http-exchange';
import { parseRetryAfter } from '../common/retry';

export const PROVIDER = 'OpenStack';

export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs: number;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export const header = (headers: IncomingHttpHeaders, name: string) => first(headers[name]);

export async function exchange(agents: Agents, x: Exchange): Promise<Answer> {
  const raw = await exchangeRaw(PROVIDER, {
    method: x.method,
    url: x.url,
    agent: x.url.protocol === 'https:' ? agents.https : agents.http,
    headers: x.headers,
    body: x.body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(x.body) },
    signal: x.signal,
    timeoutMs: x.timeoutMs,
  });
  let body: unknown;
  if (raw.text.trim() !== '') {
    try {
      body = JSON.parse(raw.text);
    } catch {
      // Glance and proxies answer errors in plain text or HTML: keep the words for the message.
      if (raw.status < 400)
        throw new ProviderError('unavailable', `${PROVIDER} answered with something not JSON`, {
          status: raw.status,
        });
      body = raw.text;
    }
  }
  return { status: raw.status, headers: raw.headers, body };
}

/**
 * The service's words from an error body. Keystone: `{ error: { message, title } }`; Nova and
 * Cinder: `{ itemNotFound: { message, code } }` (one key naming the fault); Glance:
 * `{ message, title }` or plain text; Designate: `{ code, type, message }`.
 */
export function wordsOf(body: unknown): { message: string; fault?: string } | null {
  if (typeof body === 'string') {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text ? { message: text.slice(0, 500) } : null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  const keyed = Object.entries(record).filter(
    ([, v]) =>
      typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string',
  );
  if (keyed.length === 1) {
    const [fault, value] = keyed[0]!;
    return { message: (value as { message: string }).message, fault };
  }
  // Designate: `{ code, type, message }`, the type naming the fault (duplicate_recordset...).
  if (typeof record.message === 'string')
    return { message: record.message, ...(typeof record.type === 'string' ? { fault: record.type } : {}) };
  return null;
}

function kindFor(status: number, fault: string | undefined, message: string): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429 || fault === 'overLimit') return 'throttled';
  // Cinder refuses an action in the volume's present state with a 400 "Invalid volume: ...".
  if (status === 400 && /^Invalid volume:/.test(message)) return 'conflict';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/** The ProviderError for a non-2xx answer. */
export function answerError(answer: Answer, service: string): ProviderError {
  const words = wordsOf(answer.body);
  const message = words?.message || `${PROVIDER} ${service} answered HTTP ${answer.status}`;
  const kind = kindFor(answer.status, words?.fault, message);
  const throttled = kind === 'throttled' || answer.status === 503;
  return new ProviderError(kind, message, {
    status: answer.status,
    code: words?.fault,
    retryAfterMs: throttled ? parseRetryAfter(header(answer.headers, 'retry-after')) : undefined,
  });
}
