// A small typed client for the Proxmox VE REST API (`/api2/json`): form-encoded parameters, the
// `{ data }` envelope, an API token or a ticket (with its CSRF token for writes), the pinned
// certificate, the common retry rules, and every failure a ProviderError in Proxmox's words,
// which it puts in the status line and, for parameters, in `errors`.

import type { LookupFunction } from 'node:net';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import {
  type AuthHeaders,
  type PinnedCall,
  PinnedRestClient,
  parseSuccess,
  retryAfterOf,
} from '../common/pinned-rest';
import type { ProxmoxAuth, ProxmoxConfig } from './config';

export const PROVIDER = 'Proxmox VE';

export type Params = Record<string, string | number | boolean | undefined>;

export interface PveRequest extends PinnedCall {
  params?: Params;
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
const BUSY =
  /already running|not running|is running|is locked|can't lock|locked|already exists|already defined|modified configuration|in use|busy/i;

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

export class PveClient extends PinnedRestClient<PveRequest> {
  private ticket: { cookie: string; csrf: string; at: number } | null = null;

  constructor(
    root: URL,
    private readonly auth: ProxmoxAuth,
    config: ProxmoxConfig,
    lookup?: LookupFunction,
  ) {
    super(PROVIDER, root, config, lookup);
  }

  protected stale(): boolean {
    return (
      this.auth.kind === 'password' && (!this.ticket || Date.now() - this.ticket.at > TICKET_LIFETIME_MS)
    );
  }

  protected authHeaders(method: string): AuthHeaders {
    if (this.auth.kind === 'token') return { authorization: this.auth.header };
    const ticket = this.ticket!;
    return { cookie: ticket.cookie, ...(method === 'GET' ? {} : { csrfpreventiontoken: ticket.csrf }) };
  }

  /** A ticket that expired under us is renewed once; a refused token is final. */
  protected forget(used: AuthHeaders): boolean {
    if (this.auth.kind !== 'password' || !this.ticket) return false;
    if (this.ticket.cookie === used.cookie) this.ticket = null;
    return true;
  }

  protected async logIn(): Promise<void> {
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

  protected async call<T>(method: string, path: string, req: PveRequest, auth: AuthHeaders): Promise<T> {
    const url = new URL(this.root.href + path);
    let body: string | undefined;
    if (method === 'GET' || method === 'DELETE') {
      const query = encode(req.params);
      if (query) url.search = query;
    } else {
      body = encode(req.params);
    }
    const answer = await this.send(
      method,
      url,
      auth,
      body === undefined ? undefined : { type: 'application/x-www-form-urlencoded', data: body },
      req.signal,
    );
    if (answer.status >= 200 && answer.status < 300) return parseSuccess<{ data: T }>(PROVIDER, answer).data;
    const { message, hadWords } = wordsOf(answer);
    throw new ProviderError(kindOf(answer.status, message, hadWords), message, {
      status: answer.status,
      retryAfterMs: retryAfterOf(answer),
    });
  }
}
