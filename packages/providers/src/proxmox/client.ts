// A small typed client for the Proxmox VE REST API (`/api2/json`): form-encoded parameters, the
// `{ data }` envelope, an API token or a ticket (with its CSRF token for writes), the pinned
// certificate, the common retry rules, and every failure a ProviderError in Proxmox's words,
// which it puts in the status line and, for parameters, in `errors`.

import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { exchange } from '../common/http-exchange';
import { parseRetryAfter, withRetry } from '../common/retry';
import type { ProxmoxAuth, ProxmoxConfig } from './config';
import { type CertificateInfo, PinnedAgent } from './tls';

export const PROVIDER = 'Proxmox VE';

export type Params = Record<string, string | number | boolean | undefined>;

export interface PveRequest {
  params?: Params;
  signal?: AbortSignal;
  /** False for calls that must not run twice (clones). Default: true but for POST. */
  idempotent?: boolean;
}

/** A ticket lives two hours; a fresh one is fetched well before. */
const TICKET_LIFETIME_MS = 90 * 60_000;

interface Answer {
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const TRANSIENT =
  /timeout|temporar|unable to connect|connection refused|no quorum|cluster not ready|try again/i;
const MISSING = /does not exist|no such|not found|unknown (vm|ct|node|storage)/i;
const BUSY = /already running|not running|is running|is locked|can't lock|locked|already exists|in use|busy/i;

/** Proxmox answers 500 for most refusals of a handler; its words tell which they are. */
export function kindOf(status: number, message: string, hadWords: boolean): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 429) return 'throttled';
  if (status === 400 || status === 501) return 'invalid';
  if (status === 500) {
    if (MISSING.test(message)) return 'not-found';
    if (BUSY.test(message)) return 'conflict';
    if (!hadWords || TRANSIENT.test(message)) return 'unavailable';
    return 'invalid';
  }
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/** Proxmox's own words for an error answer: the message, with each refused parameter named. */
export function wordsOf(answer: Answer): { message: string; hadWords: boolean } {
  let body: { message?: unknown; errors?: unknown } | null = null;
  try {
    body = answer.text.trim() ? JSON.parse(answer.text) : null;
  } catch {
    body = null;
  }
  const said = typeof body?.message === 'string' ? body.message.trim() : '';
  const reason = answer.reason.trim();
  let message = said || reason || `${PROVIDER} answered HTTP ${answer.status}`;
  const errors = body?.errors;
  if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
    const each = Object.entries(errors as Record<string, unknown>).map(
      ([k, v]) => `${k}: ${String(v).trim()}`,
    );
    if (each.length > 0) message = `${message.replace(/\.?$/, '')}: ${each.join('; ')}`;
  }
  return { message, hadWords: Boolean(said || (reason && !isStatusText(answer.status, reason))) };
}

const STATUS_TEXT: Record<number, string> = {
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};
const isStatusText = (status: number, reason: string) => STATUS_TEXT[status] === reason.toLowerCase();

function encode(params: Params | undefined): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    form.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return form.toString();
}

export class PveClient {
  private readonly agent: PinnedAgent;
  private ticket: { cookie: string; csrf: string; at: number } | null = null;
  private login: Promise<void> | null = null;

  constructor(
    private readonly root: URL,
    private readonly auth: ProxmoxAuth,
    private readonly config: ProxmoxConfig,
    lookup?: LookupFunction,
  ) {
    // One agent per client: its keep-alive sockets are never shared with another cloud.
    this.agent = new PinnedAgent(config.certificateFingerprint, lookup ?? dnsLookup);
  }

  get certificate(): CertificateInfo | null {
    return this.agent.seen;
  }

  /** One call with the common retry rules: throttling always, outages only when idempotent. */
  request<T>(method: string, path: string, req: PveRequest = {}): Promise<T> {
    return withRetry(() => this.authorized<T>(method, path, req), {
      attempts: this.config.retryAttempts,
      baseDelayMs: this.config.retryBaseDelayMs,
      maxDelayMs: this.config.retryMaxDelayMs,
      signal: req.signal,
      idempotent: req.idempotent ?? method !== 'POST',
    });
  }

  /** A ticket that expired under us is renewed once; a refused token is final. */
  private async authorized<T>(method: string, path: string, req: PveRequest): Promise<T> {
    try {
      return await this.once<T>(method, path, req);
    } catch (err) {
      if (
        !(
          this.auth.kind === 'password' &&
          err instanceof ProviderError &&
          err.options.status === 401 &&
          this.ticket
        )
      )
        throw err;
      this.ticket = null;
      return this.once<T>(method, path, req);
    }
  }

  private async headers(method: string): Promise<Record<string, string>> {
    if (this.auth.kind === 'token') return { authorization: this.auth.header };
    if (!this.ticket || Date.now() - this.ticket.at > TICKET_LIFETIME_MS) {
      this.login ??= this.logIn().finally(() => {
        this.login = null;
      });
      await this.login;
    }
    const ticket = this.ticket!;
    return { cookie: ticket.cookie, ...(method === 'GET' ? {} : { csrfpreventiontoken: ticket.csrf }) };
  }

  private async logIn(): Promise<void> {
    if (this.auth.kind !== 'password') return;
    const data = await this.call<{ ticket?: unknown; CSRFPreventionToken?: unknown }>(
      'POST',
      '/access/ticket',
      { params: { username: this.auth.username, password: this.auth.password } },
      {},
    );
    if (typeof data?.ticket !== 'string' || typeof data.CSRFPreventionToken !== 'string')
      throw new ProviderError('unavailable', `${PROVIDER} answered the login without a ticket`);
    this.ticket = {
      cookie: `PVEAuthCookie=${encodeURIComponent(data.ticket)}`,
      csrf: data.CSRFPreventionToken,
      at: Date.now(),
    };
  }

  private async once<T>(method: string, path: string, req: PveRequest): Promise<T> {
    return this.call<T>(method, path, req, await this.headers(method));
  }

  private async call<T>(
    method: string,
    path: string,
    req: PveRequest,
    auth: Record<string, string>,
  ): Promise<T> {
    const url = new URL(this.root.href + path);
    let body: string | undefined;
    if (method === 'GET' || method === 'DELETE') {
      const query = encode(req.params);
      if (query) url.search = query;
    } else {
      body = encode(req.params);
    }
    const answer = await exchange(PROVIDER, {
      method,
      url,
      agent: this.agent,
      headers: auth,
      body: body === undefined ? undefined : { type: 'application/x-www-form-urlencoded', data: body },
      signal: req.signal,
      timeoutMs: this.config.requestTimeoutMs,
    });
    if (answer.status >= 200 && answer.status < 300) {
      try {
        return (JSON.parse(answer.text) as { data: T }).data;
      } catch {
        throw new ProviderError('unavailable', `${PROVIDER} answered with something not JSON`, {
          status: answer.status,
        });
      }
    }
    const { message, hadWords } = wordsOf(answer);
    const retryable = answer.status === 429 || answer.status === 503;
    const retry = answer.headers['retry-after'];
    throw new ProviderError(kindOf(answer.status, message, hadWords), message, {
      status: answer.status,
      retryAfterMs: retryable ? parseRetryAfter(Array.isArray(retry) ? retry[0] : retry) : undefined,
    });
  }
}
