// A small typed client for the vCenter REST API (`/api`, vSphere 7.0 U2 and later): a session
// from `POST /api/session` with basic auth, sent as `vmware-api-session-id`; JSON both ways; the
// pinned certificate; the common retry rules; and every failure a ProviderError in vSphere's
// words (its `error_type` and `messages`).

import type { LookupFunction } from 'node:net';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import {
  type AuthHeaders,
  type PinnedCall,
  PinnedRestClient,
  parseSuccess,
  retryAfterOf,
} from '../common/pinned-rest';
import type { PinnedAgent } from '../common/pinned-tls';
import type { VsphereConfig, VsphereCredentials } from './config';

export const PROVIDER = 'vCenter';

export type Query = Record<string, string | string[] | undefined>;

export interface VcRequest extends PinnedCall {
  query?: Query;
  body?: unknown;
}

/** The header both of vCenter's APIs take a session in. */
export const SESSION_HEADER = 'vmware-api-session-id';

const basicAuth = (c: VsphereCredentials) =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

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

export function kindOfStatus(status: number): ProviderErrorKind {
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

/**
 * What both of vCenter's APIs share: a session id from a login with the user's password, sent as
 * `vmware-api-session-id`, and renewed once when one expired under us (idle timeout, restart).
 */
export abstract class VcSessionClient<R extends PinnedCall> extends PinnedRestClient<R> {
  private session: string | null = null;

  constructor(
    root: URL,
    protected readonly credentials: VsphereCredentials,
    config: VsphereConfig,
    connect?: LookupFunction | PinnedAgent,
  ) {
    super(PROVIDER, root, config, connect);
  }

  /** Logs in; the new session's id. */
  protected abstract openSession(): Promise<string>;

  protected stale(): boolean {
    return this.session === null;
  }

  protected authHeaders(): AuthHeaders {
    return { [SESSION_HEADER]: this.session! };
  }

  protected forget(used: AuthHeaders): boolean {
    if (this.session === used[SESSION_HEADER]) this.session = null;
    return true;
  }

  protected async logIn(): Promise<void> {
    const id = await this.openSession();
    if (typeof id !== 'string' || id === '')
      throw new ProviderError('unavailable', `${PROVIDER} answered the login without a session id`);
    this.session = id;
  }
}

export class VcClient extends VcSessionClient<VcRequest> {
  protected openSession(): Promise<string> {
    return this.call<string>('POST', '/session', {}, { authorization: basicAuth(this.credentials) });
  }

  protected async call<T>(method: string, path: string, req: VcRequest, auth: AuthHeaders): Promise<T> {
    const url = new URL(this.root.href + path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
    }
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const answer = await this.send(
      method,
      url,
      auth,
      body === undefined ? undefined : { type: 'application/json', data: body },
      req.signal,
    );
    if (answer.status >= 200 && answer.status < 300)
      return answer.text.trim() === '' ? (undefined as T) : parseSuccess<T>(PROVIDER, answer);
    const { message, type } = wordsOf(answer);
    const kind =
      answer.status === 429 ? 'throttled' : ((type ? KINDS[type] : undefined) ?? kindOfStatus(answer.status));
    throw new ProviderError(kind, message, {
      status: answer.status,
      code: type ?? undefined,
      retryAfterMs: retryAfterOf(answer),
    });
  }
}
