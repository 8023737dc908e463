// The frame of the clients for APIs on your own servers behind a certificate no system trusts
// (Proxmox VE, vCenter's REST and VI/JSON APIs): one pinned-certificate agent per client, the
// common retry rules with the config's settings, and one renewal of a session or ticket that
// expired under us. Each provider adds its login, its renewal rule and how it reads an answer.

import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ProviderError } from '@overcast/contracts';
import { exchange, type RawAnswer } from './http-exchange';
import { type CertificateInfo, normalizeFingerprint, PinnedAgent } from './pinned-tls';
import { parseRetryAfter, withRetry } from './retry';

/** The settings every pinned client reads from its cloud's config. */
export interface PinnedRestConfig {
  /** Pinned SHA-256 of the certificate, canonical form; null: trust on first use. */
  certificateFingerprint: string | null;
  requestTimeoutMs: number;
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

export const bounded = (raw: unknown, fallback: number, min: number, max: number) =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

export function readPinnedRestConfig(raw: Record<string, unknown>): PinnedRestConfig {
  const fp = typeof raw.certificateFingerprint === 'string' ? raw.certificateFingerprint.trim() : '';
  return {
    certificateFingerprint: fp ? normalizeFingerprint(fp) : null,
    requestTimeoutMs: bounded(raw.requestTimeoutMs, 30_000, 1, 600_000),
    retryAttempts: Math.trunc(bounded(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: bounded(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: bounded(raw.retryMaxDelayMs, 20_000, 0, 600_000),
  };
}

/** How long the provider's tasks are waited for, and how often they are asked about. */
export interface TaskWaitConfig {
  taskTimeoutMs: number;
  taskPollMs: number;
}

export const readTaskWait = (raw: Record<string, unknown>): TaskWaitConfig => ({
  taskTimeoutMs: bounded(raw.taskTimeoutMs, 600_000, 10, 3_600_000),
  taskPollMs: bounded(raw.taskPollMs, 1_000, 1, 60_000),
});

export interface PinnedCall {
  signal?: AbortSignal;
  /** False for calls that must not run twice. Default: true but for POST. */
  idempotent?: boolean;
}

export type AuthHeaders = Record<string, string>;

/** Retry-After of a throttled or unavailable answer, in ms. */
export function retryAfterOf(answer: RawAnswer): number | undefined {
  if (answer.status !== 429 && answer.status !== 503) return undefined;
  const retry = answer.headers['retry-after'];
  return parseRetryAfter(Array.isArray(retry) ? retry[0] : retry);
}

/** The body of a success answer as JSON; something else is an outage in the provider's name. */
export function parseSuccess<T>(provider: string, answer: RawAnswer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new ProviderError('unavailable', `${provider} answered with something not JSON`, {
      status: answer.status,
    });
  }
}

export abstract class PinnedRestClient<R extends PinnedCall> {
  /** The pinned connections; another API of the same server (vCenter's two) shares them. */
  readonly agent: PinnedAgent;
  private login: Promise<void> | null = null;

  constructor(
    protected readonly provider: string,
    protected readonly root: URL,
    protected readonly settings: PinnedRestConfig,
    connect?: LookupFunction | PinnedAgent,
  ) {
    // One agent per cloud: its keep-alive sockets are never shared with another.
    this.agent =
      connect instanceof PinnedAgent
        ? connect
        : new PinnedAgent(settings.certificateFingerprint, connect ?? dnsLookup);
  }

  /** The certificate of the latest connection; null before one, or when the system's CAs vouch for it. */
  get certificate(): CertificateInfo | null {
    return this.agent.seen;
  }

  /** One call with the common retry rules: throttling always, outages only when idempotent. */
  request<T>(method: string, path: string, req: R = {} as R): Promise<T> {
    return withRetry(() => this.authorized<T>(method, path, req), {
      attempts: this.settings.retryAttempts,
      baseDelayMs: this.settings.retryBaseDelayMs,
      maxDelayMs: this.settings.retryMaxDelayMs,
      signal: req.signal,
      idempotent: req.idempotent ?? method !== 'POST',
    });
  }

  /** A session or ticket that expired under us (idle timeout, restart) is renewed once. */
  private async authorized<T>(method: string, path: string, req: R): Promise<T> {
    const used = await this.credential(method);
    try {
      return await this.call<T>(method, path, req, used);
    } catch (err) {
      if (!(err instanceof ProviderError && this.expired(err) && this.forget(used))) throw err;
      return this.call<T>(method, path, req, await this.credential(method));
    }
  }

  /** The headers that authenticate a call, logging in first (once at a time) when `stale()`. */
  private async credential(method: string): Promise<AuthHeaders> {
    if (this.stale()) {
      this.login ??= this.logIn().finally(() => {
        this.login = null;
      });
      await this.login;
    }
    return this.authHeaders(method);
  }

  /** Whether a refusal says the session or ticket expired. */
  protected expired(err: ProviderError): boolean {
    return err.options.status === 401;
  }

  /** True when a login is due before the next call. */
  protected abstract stale(): boolean;
  protected abstract logIn(): Promise<void>;
  protected abstract authHeaders(method: string): AuthHeaders;
  /** Drops the credential behind `used` after a 401; false when nothing can be renewed (a token). */
  protected abstract forget(used: AuthHeaders): boolean;
  /** One exchange, its answer read in the provider's words. */
  protected abstract call<T>(method: string, path: string, req: R, auth: AuthHeaders): Promise<T>;

  /** Sends one request over the pinned agent, within the configured time. */
  protected send(
    method: string,
    url: URL,
    headers: AuthHeaders,
    body: { type: string; data: string } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawAnswer> {
    return exchange(this.provider, {
      method,
      url,
      agent: this.agent,
      headers,
      body,
      signal,
      timeoutMs: this.settings.requestTimeoutMs,
    });
  }
}
