// A typed client over the OpenStack services the driver uses: one Keystone token per client
// (renewed before it expires, and once more when a service answers 401), the catalog's
// endpoints for the chosen region, Nova's microversion when the cloud offers it, and the
// common retry rules.

import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ProviderError } from '@overcast/contracts';
import { lookupAgents } from '../common/agents';
import { withRetry } from '../common/retry';
import { identityRoot, type OpenStackConfig, type OpenStackCredentials } from './config';
import { type Agents, answerError, exchange, PROVIDER } from './http';
import { authenticate, type Service, type Session } from './keystone';

/** The microversion asked for when Nova offers it: servers then carry their flavor's figures. */
export const NOVA_MICROVERSION = '2.47';

const SERVICE_NAMES: Record<Service, string> = {
  compute: 'Nova (compute)',
  volume: 'Cinder (block-storage)',
  image: 'Glance (image)',
  network: 'Neutron (network)',
  dns: 'Designate (DNS)',
};

export interface Call {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** False for calls that must not run twice (creates). Default: true but for POST. */
  idempotent?: boolean;
}

const compare = (a: string, b: string) => {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
};

export class OpenStackClient {
  private readonly agents: Agents;
  private readonly root: URL;
  private session: Promise<Session> | null = null;
  private microversion: Promise<string | null> | null = null;

  constructor(
    private readonly credentials: OpenStackCredentials,
    readonly config: OpenStackConfig,
    lookup?: LookupFunction,
  ) {
    this.root = identityRoot(config.authUrl);
    // One pair of agents per client: its keep-alive sockets are never shared with another account.
    this.agents = lookupAgents(lookup ?? dnsLookup);
  }

  /** A valid session, authenticating once for concurrent callers. */
  async current(signal?: AbortSignal, stale?: Session): Promise<Session> {
    const pending = this.session;
    if (pending) {
      const session = await pending.catch(() => null);
      if (session && session !== stale && session.expiresAt - this.config.tokenRenewMs > Date.now())
        return session;
      if (this.session !== pending) return this.current(signal, stale);
    }
    const next = this.retried(
      () => authenticate(this.agents, this.root, this.credentials, this.config, signal),
      {
        signal,
        idempotent: true,
      },
    );
    this.session = next;
    next.catch(() => {
      if (this.session === next) this.session = null;
    });
    return next;
  }

  /** Whether the catalog names an endpoint of `service` (Designate is optional in a cloud). */
  async offers(service: Service, signal?: AbortSignal): Promise<boolean> {
    return (await this.current(signal)).endpoints[service] !== undefined;
  }

  async endpoint(service: Service, signal?: AbortSignal): Promise<string> {
    const session = await this.current(signal);
    const url = session.endpoints[service];
    if (!url)
      throw new ProviderError(
        'invalid',
        `This cloud's catalog has no ${this.config.interface} ${SERVICE_NAMES[service]} endpoint${session.region ? ` in ${session.region}` : ''}.`,
      );
    return url;
  }

  /** Nova's microversion to ask for: ours when its version document reaches it, else none (pre-microversion clouds). */
  private computeVersion(signal?: AbortSignal): Promise<string | null> {
    this.microversion ??= (async () => {
      const base = await this.endpoint('compute', signal);
      const doc = await this.send<{ version?: { version?: string } }>(
        'compute',
        'GET',
        `${base}/`,
        {},
        signal,
      ).catch((err) => {
        if (err instanceof ProviderError && (err.kind === 'not-found' || err.kind === 'invalid')) return null;
        throw err;
      });
      const max = doc?.version?.version;
      return max && /^\d+\.\d+$/.test(max) && compare(max, NOVA_MICROVERSION) >= 0 ? NOVA_MICROVERSION : null;
    })();
    this.microversion.catch(() => {
      this.microversion = null;
    });
    return this.microversion;
  }

  /** The microversion in use, once known (for mapping what Nova sent). */
  async novaMicroversion(signal?: AbortSignal): Promise<string | null> {
    return this.computeVersion(signal);
  }

  /** One call to `service`, at `path` below its endpoint (or an absolute URL it gave us). */
  async request<T>(service: Service, method: string, path: string, call: Call = {}): Promise<T> {
    const base = await this.endpoint(service, call.signal);
    const url = new URL(/^https?:\/\//.test(path) ? path : base + path);
    for (const [k, v] of Object.entries(call.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const version = service === 'compute' ? await this.computeVersion(call.signal) : null;
    const headers: Record<string, string> = version
      ? { 'openstack-api-version': `compute ${version}`, 'x-openstack-nova-api-version': version }
      : {};
    return this.retried(
      () => this.send<T>(service, method, url.href, { headers, body: call.body }, call.signal),
      {
        signal: call.signal,
        idempotent: call.idempotent ?? method !== 'POST',
      },
    );
  }

  private retried<T>(fn: () => Promise<T>, o: { signal?: AbortSignal; idempotent: boolean }): Promise<T> {
    const c = this.config;
    return withRetry(fn, {
      attempts: c.retryAttempts,
      baseDelayMs: c.retryBaseDelayMs,
      maxDelayMs: c.retryMaxDelayMs,
      signal: o.signal,
      idempotent: o.idempotent,
    });
  }

  /** One exchange with the token; a 401 (token revoked or expired early) re-authenticates once. */
  private async send<T>(
    service: Service,
    method: string,
    href: string,
    extra: { headers?: Record<string, string>; body?: unknown },
    signal?: AbortSignal,
  ): Promise<T> {
    let session = await this.current(signal);
    for (let attempt = 0; ; attempt++) {
      const answer = await exchange(this.agents, {
        method,
        url: new URL(href),
        headers: { 'x-auth-token': session.token, ...extra.headers },
        body: extra.body,
        signal,
        timeoutMs: this.config.requestTimeoutMs,
      });
      if (answer.status >= 200 && answer.status < 300) return answer.body as T;
      if (answer.status === 401 && attempt === 0) {
        session = await this.current(signal, session);
        continue;
      }
      throw answerError(answer, SERVICE_NAMES[service]);
    }
  }
}

export { PROVIDER };
