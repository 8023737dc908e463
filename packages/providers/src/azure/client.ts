// The Azure SDK clients one cloud needs, sharing one credential (and so one cached token) and one
// HTTPS agent that resolves names through the caller's lookup and trusts the configured CA.
//
// Sign-in goes through @azure/identity (MSAL) rather than a hand-written OAuth2 exchange: MSAL
// already signs certificate assertions the way Entra ID expects (x5t#S256, PS256) and caches
// tokens per scope. It insists on an https authority, which a private cloud (Azure Stack Hub)
// and the emulator meet with their own CA, trusted through `caCertificate`: the same option
// serves both, and no plain-http path exists for a token to leak over.

import { lookup as dnsLookup } from 'node:dns';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ComputeManagementClient } from '@azure/arm-compute';
import { DnsManagementClient } from '@azure/arm-dns';
import { NetworkManagementClient } from '@azure/arm-network';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { Pipeline } from '@azure/core-rest-pipeline';
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { OUTBOUND_REFUSED, ProviderError } from '@overcast/contracts';
import { withRetry } from '../common/retry';
import { type AzureConfig, type AzureCredentials, PUBLIC_ARM } from './config';
import { toProviderError } from './errors';

/** What the SDK's list calls return, as far as paging goes. */
export interface Paged<T> {
  byPage(settings?: {
    continuationToken?: string;
  }): AsyncIterableIterator<T[] & { continuationToken?: string }>;
}

export interface SubscriptionClients {
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
  dns: DnsManagementClient;
}

export class AzureApi {
  readonly credential: TokenCredential;
  readonly subscriptions: SubscriptionClient;
  private readonly perSubscription = new Map<string, SubscriptionClients>();
  private readonly options: Record<string, unknown>;
  private refusal: Error | null = null;
  readonly agent: https.Agent;

  constructor(
    credentials: AzureCredentials,
    readonly endpoint: string,
    readonly config: AzureConfig,
    lookup?: LookupFunction,
  ) {
    // MSAL reports a failed sign-in request without its cause; the guard's refusal is noted here
    // so that it is what the caller hears (and it is never retried).
    const resolve = lookup ?? dnsLookup;
    const noting: LookupFunction = (hostname, options, callback) =>
      resolve(hostname, options, ((err: NodeJS.ErrnoException | null, ...rest: unknown[]) => {
        if (err && err.code === OUTBOUND_REFUSED) this.refusal = err;
        (callback as (...args: unknown[]) => void)(err, ...rest);
      }) as typeof callback);
    // One agent per cloud: its keep-alive sockets never serve another account.
    this.agent = new https.Agent({
      keepAlive: true,
      timeout: 5_000,
      lookup: noting,
      ...(config.caCertificate ? { ca: config.caCertificate } : {}),
    });
    const pipeline = {
      agent: this.agent,
      // Our retry rules (common/retry.ts) rather than the SDK's own.
      retryOptions: { maxRetries: 0 },
      userAgentOptions: { userAgentPrefix: 'overcast' },
    };
    const identity = {
      ...pipeline,
      authorityHost: config.authorityHost,
      // A private authority is not in Microsoft's instance metadata: asking would fail.
      disableInstanceDiscovery: config.customAuthority,
    };
    this.credential = credentials.clientCertificate
      ? new ClientCertificateCredential(
          credentials.tenantId,
          credentials.clientId,
          { certificate: credentials.clientCertificate },
          identity,
        )
      : new ClientSecretCredential(
          credentials.tenantId,
          credentials.clientId,
          credentials.clientSecret ?? '',
          identity,
        );
    this.options = { ...pipeline, endpoint, credentials: { scopes: [config.audience] } };
    this.subscriptions = this.withWords(new SubscriptionClient(this.credential, this.options));
  }

  /**
   * ARM's error words by request id. The SDK's paging helpers throw "Pagination failed with
   * unexpected statusCode 429" and drop the body; this keeps what ARM said so the error can.
   */
  private readonly words = new Map<string, string>();

  private withWords<C extends { pipeline: Pipeline }>(client: C): C {
    client.pipeline.addPolicy({
      name: 'overcastArmErrorWords',
      sendRequest: async (request, next) => {
        const response = await next(request);
        if (response.status >= 400 && response.bodyAsText) {
          this.words.set(request.requestId, response.bodyAsText.slice(0, 8192));
          // A handful is plenty: the words are read right after the call fails.
          if (this.words.size > 64) this.words.delete(this.words.keys().next().value as string);
        }
        return response;
      },
    });
    return client;
  }

  clients(subscriptionId: string): SubscriptionClients {
    let clients = this.perSubscription.get(subscriptionId);
    if (!clients) {
      clients = {
        compute: this.withWords(new ComputeManagementClient(this.credential, subscriptionId, this.options)),
        network: this.withWords(new NetworkManagementClient(this.credential, subscriptionId, this.options)),
        dns: this.withWords(new DnsManagementClient(this.credential, subscriptionId, this.options)),
      };
      this.perSubscription.set(subscriptionId, clients);
    }
    return clients;
  }

  /** Per-call options: our timeout and abort. */
  callOptions(signal?: AbortSignal) {
    const timeout = AbortSignal.timeout(this.config.requestTimeoutMs);
    return { abortSignal: signal ? AbortSignal.any([signal, timeout]) : timeout };
  }

  /**
   * Runs one call with our retry rules: throttling always, outages only when `idempotent`. An
   * address the outbound guard refused is never tried again.
   */
  call<T>(fn: () => Promise<T>, options: { idempotent: boolean; signal?: AbortSignal }): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          const refusal = this.refusal;
          this.refusal = null;
          if (refusal)
            throw new ProviderError('unavailable', `Azure unreachable: ${refusal.message}`, {
              code: OUTBOUND_REFUSED,
              cause: refusal,
            });
          const id = (err as { request?: { requestId?: string } }).request?.requestId;
          throw toProviderError(err, this.config.requestTimeoutMs, id ? this.words.get(id) : undefined);
        }
      },
      {
        attempts: this.config.retryAttempts,
        baseDelayMs: this.config.retryBaseDelayMs,
        maxDelayMs: this.config.retryMaxDelayMs,
        signal: options.signal,
        idempotent: options.idempotent,
      },
    );
  }

  read = <T>(fn: () => Promise<T>, signal?: AbortSignal) => this.call(fn, { idempotent: true, signal });

  /**
   * Every item of a paged list, a page at a time. A failed page is retried from its own
   * nextLink (the SDK's continuation token): the SDK's iterator is finished once it has thrown.
   */
  async *pages<T>(
    open: () => Paged<T>,
    signal?: AbortSignal,
    /** Where the SDK keeps a page's nextLink: on the page, or (arm-dns) in its getContinuationToken. */
    tokenOf: (page: T[] & { continuationToken?: string }) => string | undefined = (p) => p.continuationToken,
  ): AsyncGenerator<T> {
    let token: string | undefined;
    for (let first = true; first || token; first = false) {
      if (signal?.aborted) return;
      let page: (T[] & { continuationToken?: string }) | null;
      try {
        page = await this.read(async () => {
          const step = await open()
            .byPage(token ? { continuationToken: token } : undefined)
            .next();
          return step.done ? null : step.value;
        }, signal);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      if (!page) return;
      for (const item of page) yield item;
      token = this.onEndpoint(tokenOf(page));
    }
  }

  /**
   * A nextLink on the configured endpoint. ARM writes its own public name into nextLinks, which
   * behind a proxy or a private cloud's front door is not the address configured; and the
   * bearer token must never follow a link to another host.
   */
  private onEndpoint(link: string | undefined): string | undefined {
    if (!link) return undefined;
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return undefined;
    }
    const base = new URL(this.endpoint);
    if (url.origin === base.origin) return link;
    return `${base.origin}${url.pathname}${url.search}`;
  }

  /**
   * Starts a long-running operation and follows it the SDK's way (Azure-AsyncOperation, then
   * Location) until it finishes or `operationTimeoutMs` passes; past that it keeps running at
   * Azure and the next sync shows its outcome.
   */
  async operation<T>(
    start: (options: { updateIntervalInMs: number; abortSignal: AbortSignal }) => PromiseLike<T>,
    idempotent: boolean,
  ): Promise<T | undefined> {
    const deadline = AbortSignal.timeout(this.config.operationTimeoutMs);
    try {
      return await this.call(
        async () => await start({ updateIntervalInMs: this.config.pollIntervalMs, abortSignal: deadline }),
        { idempotent },
      );
    } catch (err) {
      if (deadline.aborted) return undefined;
      throw err;
    }
  }
}

export const armEndpoint = (endpoint: string | null | undefined): string =>
  (endpoint ?? PUBLIC_ARM).replace(/\/+$/, '');
