import type { LookupFunction } from 'node:net';
import { createApiClient, modules } from 'dots-wrapper';
import { lookupAgents } from '../common/agents';
import { withRetry } from '../common/retry';
import type { DigitalOceanConfig } from './config';
import { toProviderError } from './errors';

export type DotsClient = ReturnType<typeof createApiClient>;

type ContextInput = Parameters<typeof modules.common.createContext>[0];

/**
 * dots-wrapper's client, with its axios instance resolving names through `lookup`: the library
 * takes no agent, but builds its context from an injectable `axios.create`.
 */
function clientWithLookup(lookup: LookupFunction): typeof createApiClient {
  const agents = lookupAgents(lookup);
  return modules.common.createApiClient({
    modules,
    createContext: (input: ContextInput) =>
      modules.common.createContext({
        ...input,
        axios: {
          create: (config) =>
            input.axios.create({ ...config, httpAgent: agents.http, httpsAgent: agents.https }),
        } as ContextInput['axios'],
      }),
  });
}

/**
 * One authenticated DigitalOcean client. dots-wrapper builds a separate axios instance (base URL,
 * bearer header, timeout) per `createApiClient` call, so two clouds never share a token.
 */
export class DoClient {
  readonly api: DotsClient;

  constructor(
    token: string,
    endpoint: string,
    private readonly config: DigitalOceanConfig,
    lookup?: LookupFunction,
  ) {
    const create = lookup ? clientWithLookup(lookup) : createApiClient;
    this.api = create({ token, endpoint, requestTimeoutInMs: config.requestTimeoutMs });
  }

  /**
   * Runs one API call with retries. Throttling is always retried (the request was refused before
   * it did anything); outages only for `idempotent` calls, so a create is never sent twice.
   */
  async call<T>(
    fn: (api: DotsClient) => Promise<{ data: T }>,
    options: { idempotent: boolean; signal?: AbortSignal },
  ): Promise<T> {
    return withRetry(
      async () => {
        try {
          return (await fn(this.api)).data;
        } catch (err) {
          throw toProviderError(err, this.config.requestTimeoutMs);
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

  get = <T>(fn: (api: DotsClient) => Promise<{ data: T }>, signal?: AbortSignal) =>
    this.call(fn, { idempotent: true, signal });

  post = <T>(fn: (api: DotsClient) => Promise<{ data: T }>) => this.call(fn, { idempotent: false });
}
