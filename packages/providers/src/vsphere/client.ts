// A small typed client for the vCenter REST API (`/api`, vSphere 7.0 U2 and later): a session
// from `POST /api/session` with basic auth, sent as `vmware-api-session-id`; JSON both ways; the
// pinned certificate; the common retry rules; and every failure a ProviderError in vSphere's
// words (its `error_type` and `messages`).

import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { exchange } from '../common/http-exchange';
import { type CertificateInfo, PinnedAgent } from '../common/pinned-tls';
import { parseRetryAfter, withRetry } from '../common/retry';
import type { VsphereConfig, VsphereCredentials } from './config';

export const PROVIDER = 'vCenter';

export type Query = Record<string, string | string[] | undefined>;

export interface VcRequest {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** False for calls that must not run twice. Default: true but for POST. */
  idempotent?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** vSphere's error types, as the kinds the rest of Overcast acts on. */
const KINDS: Record<string, ProviderErrorKind> = {
  UNAUTHENTICATED: 'auth',
  UNAUTHORIZED: 'auth',
  NOT_FOUND: 'not-found',
  ALREADY_EXISTS: 'conflict',
  ALREADY_IN_DESIRED_STATE: 'conflict',
  NOT_ALLOWED_IN_CURRENT_STATE: 'conflict',
  RESOURCE_BUSY: 'conflict',
  RESOURCE_IN_USE: 'conflict',
  CONCURRENT_CHANGE: 'conflict',
  INVALID_ARGUMENT: 'invalid',
  INVALID_REQUEST: 'invalid',
  UNSUPPORTED: 'invalid',
  UNEXPECTED_INPUT: 'invalid',
  // Too many VMs for one list: more filters would help, a retry would not.
  UNABLE_TO_ALLOCATE_RESOURCE: 'invalid',
  SERVICE_UNAVAILABLE: 'unavailable',
  TIMED_OUT: 'unavailable',
  RESOURCE_INACCESSIBLE: 'unavailable',
};

function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/** vSphere's own words for an error answer: its messages joined, and its error type. */
export function wordsOf(answer: Answer): { message: string; type: string | null } {
  let body: { error_type?: unknown; messages?: unknown } | null = null;
  try {
    body = answer.text.trim() ? JSON.parse(answer.text) : null;
  } catch {
    body = null;
  }
  const type = typeof body?.error_type === 'string' ? body.error_type : null;
  const messages = Array.isArray(body?.messages)
    ? body.messages
        .map((m) =>
          m && typeof m === 'object' ? (m as { default_message?: unknown }).default_message : null,
        )
        .filter((m): m is string => typeof m === 'string' && m.trim() !== '')
    : [];
  const message =
    messages.join(' ') ||
    (type ? `${PROVIDER} refused the request (${type})` : `${PROVIDER} answered HTTP ${answer.status}`);
  return { message, type };
}

export class VcClient {
  private readonly agent: PinnedAgent;
  private session: string | null = null;
  private login: Promise<string> | null = null;

  constructor(
    private readonly root: URL,
    private readonly credentials: VsphereCredentials,
    private readonly config: VsphereConfig,
    lookup?: LookupFunction,
  ) {
    // One agent per client: its keep-alive sockets are never shared with another cloud.
    this.agent = new PinnedAgent(config.certificateFingerprint, lookup ?? dnsLookup);
  }

  get certificate(): CertificateInfo | null {
    return this.agent.seen;
  }

  /** One call with the common retry rules: throttling always, outages only when idempotent. */
  request<T>(method: string, path: string, req: VcRequest = {}): Promise<T> {
    return withRetry(() => this.authorized<T>(method, path, req), {
      attempts: this.config.retryAttempts,
      baseDelayMs: this.config.retryBaseDelayMs,
      maxDelayMs: this.config.retryMaxDelayMs,
      signal: req.signal,
      idempotent: req.idempotent ?? method !== 'POST',
    });
  }

  /** A session that expired under us (idle timeout, vCenter restart) is renewed once. */
  private async authorized<T>(method: string, path: string, req: VcRequest): Promise<T> {
    const used = await this.sessionId();
    try {
      return await this.call<T>(method, path, req, { 'vmware-api-session-id': used });
    } catch (err) {
      if (!(err instanceof ProviderError && err.options.status === 401)) throw err;
      if (this.session === used) this.session = null;
      return this.call<T>(method, path, req, { 'vmware-api-session-id': await this.sessionId() });
    }
  }

  private sessionId(): Promise<string> {
    if (this.session) return Promise.resolve(this.session);
    this.login ??= this.logIn().finally(() => {
      this.login = null;
    });
    return this.login;
  }

  private async logIn(): Promise<string> {
    const basic = Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64');
    const id = await this.call<unknown>('POST', '/session', {}, { authorization: `Basic ${basic}` });
    if (typeof id !== 'string' || id === '')
      throw new ProviderError('unavailable', `${PROVIDER} answered the login without a session id`);
    this.session = id;
    return id;
  }

  private async call<T>(
    method: string,
    path: string,
    req: VcRequest,
    auth: Record<string, string>,
  ): Promise<T> {
    const url = new URL(this.root.href + path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
    }
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const answer = await exchange(PROVIDER, {
      method,
      url,
      agent: this.agent,
      headers: auth,
      body: body === undefined ? undefined : { type: 'application/json', data: body },
      signal: req.signal,
      timeoutMs: this.config.requestTimeoutMs,
    });
    if (answer.status >= 200 && answer.status < 300) {
      if (answer.text.trim() === '') return undefined as T;
      try {
        return JSON.parse(answer.text) as T;
      } catch {
        throw new ProviderError('unavailable', `${PROVIDER} answered with something not JSON`, {
          status: answer.status,
        });
      }
    }
    const { message, type } = wordsOf(answer);
    const retryable = answer.status === 429 || answer.status === 503;
    const retry = answer.headers['retry-after'];
    const kind =
      answer.status === 429 ? 'throttled' : ((type ? KINDS[type] : undefined) ?? kindOfStatus(answer.status));
    throw new ProviderError(kind, message, {
      status: answer.status,
      code: type ?? undefined,
      retryAfterMs: retryable ? parseRetryAfter(Array.isArray(retry) ? retry[0] : retry) : undefined,
    });
  }
}
