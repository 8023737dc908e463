// The Kubernetes client of one KubeVirt cloud: @kubernetes/client-node's generated APIs over a
// KubeConfig built from the checked kubeconfig, every connection resolving names through the
// outbound guard. Errors become ProviderErrors carrying the API server's Status message;
// throttling (429 with Retry-After) and outages are retried as for every provider.

import type { LookupFunction } from 'node:net';
import {
  ApiException,
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  NetworkingV1Api,
  RequestContext,
} from '@kubernetes/client-node';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { Agent } from 'undici';
import { parseRetryAfter, withRetry } from '../common/retry';
import type { KubeAccess } from './kubeconfig';

/** A Kubernetes `Status`, the body of every refusal. */
interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

const KIND_BY_STATUS: Record<number, ProviderErrorKind> = {
  400: 'invalid',
  401: 'auth',
  403: 'auth',
  404: 'not-found',
  409: 'conflict',
  410: 'conflict',
  422: 'invalid',
  429: 'throttled',
};

function statusOf(body: unknown): Status | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' ? (value as Status) : undefined;
}

/** A refusal of the API server as a ProviderError, in the server's words. */
export function kubeError(code: number, body: unknown, headers: Record<string, string>): ProviderError {
  const status = statusOf(body);
  const kind = KIND_BY_STATUS[code] ?? (code >= 500 ? 'unavailable' : 'invalid');
  const message = status?.message || (code === 401 ? 'Unauthorized' : `The Kubernetes API answered ${code}`);
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return new ProviderError(kind, message, {
    status: code,
    ...(status?.reason ? { code: status.reason } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function translate(err: unknown): unknown {
  if (err instanceof ProviderError) return err;
  if (err instanceof ApiException) return kubeError(err.code, err.body, err.headers ?? {});
  // fetch failed: refused connection, TLS, DNS or the outbound guard (kept as the cause).
  const cause = (err as { cause?: { message?: string } }).cause;
  return new ProviderError(
    'unavailable',
    `The Kubernetes API could not be reached: ${cause?.message ?? (err as Error).message}`,
    { cause: err },
  );
}

/** The KubeConfig the generated APIs read, with its connections held to our dispatcher. */
class GuardedKubeConfig extends KubeConfig {
  constructor(private readonly dispatcher: Agent) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setDispatcher(this.dispatcher);
  }
}

export class KubeClient {
  readonly core: CoreV1Api;
  readonly objects: CustomObjectsApi;
  readonly apis: ApisApi;
  readonly networking: NetworkingV1Api;
  private readonly config: GuardedKubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();

  constructor(
    readonly server: string,
    access: KubeAccess,
    lookup?: LookupFunction,
  ) {
    const connect = {
      ...(access.ca ? { ca: access.ca } : {}),
      ...(access.clientCert ? { cert: access.clientCert, key: access.clientKey } : {}),
      ...(access.tlsServerName ? { servername: access.tlsServerName } : {}),
      ...(lookup ? { lookup } : {}),
      rejectUnauthorized: !access.insecureSkipTlsVerify,
      timeout: 10_000,
    };
    this.config = new GuardedKubeConfig(
      new Agent({ connect, headersTimeout: 30_000, bodyTimeout: 60_000, keepAliveTimeout: 5_000 }),
    );
    this.config.loadFromOptions({
      clusters: [
        {
          name: 'overcast',
          server,
          // A plain-http server is the kubeconfig's choice (the client refuses it otherwise).
          skipTLSVerify: access.insecureSkipTlsVerify || server.startsWith('http:'),
        },
      ],
      users: [
        {
          name: 'overcast',
          ...(access.token ? { token: access.token } : {}),
          ...(access.username ? { username: access.username, password: access.password } : {}),
        },
      ],
      contexts: [{ name: 'overcast', cluster: 'overcast', user: 'overcast' }],
      currentContext: 'overcast',
    });
    this.core = this.config.makeApiClient(CoreV1Api);
    this.objects = this.config.makeApiClient(CustomObjectsApi);
    this.apis = this.config.makeApiClient(ApisApi);
    this.networking = this.config.makeApiClient(NetworkingV1Api);
  }

  /**
   * Runs one call of the generated APIs, retried when throttled or (idempotent calls only)
   * when the server is unavailable.
   */
  call<T>(fn: () => Promise<T>, options: { signal?: AbortSignal; idempotent?: boolean } = {}): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          throw translate(err);
        }
      },
      { signal: options.signal, idempotent: options.idempotent ?? true },
    );
  }

  /**
   * A PUT to a subresource (`…/virtualmachines/NAME/start`): the generated APIs escape the
   * slash of a subresource name, so these go through the client's own request, auth and fetch.
   */
  putSubresource(path: string, body: unknown = {}): Promise<void> {
    return this.call(
      async () => {
        const request = new RequestContext(`${this.server}${path}`, HttpMethod.PUT);
        request.setHeaderParam('Content-Type', 'application/json');
        request.setHeaderParam('Accept', 'application/json');
        request.setBody(JSON.stringify(body));
        await this.config.applySecurityAuthentication(request);
        const response = await this.http.send(request).toPromise();
        if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return;
        throw kubeError(response.httpStatusCode, await response.body.text(), response.headers);
      },
      { idempotent: true },
    );
  }
}
