import type { LookupFunction } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';
import { lookupAgents } from '../common/agents';
import { withRetry } from '../common/retry';
import type { AwsCredentials, AwsDriverConfig } from './config';
import { toProviderError } from './errors';
import { Ec2Protocol } from './xml';

export type Ec2Call<T> = (client: EC2Client, options: { abortSignal?: AbortSignal }) => Promise<T>;

const agentsOf = (lookup: LookupFunction) => {
  const agents = lookupAgents(lookup);
  return { httpAgent: agents.http, httpsAgent: agents.https };
};

/**
 * One EC2 client per region (EC2 endpoints and SigV4 scopes are regional), with the SDK's
 * own retries off: throttling and outages are retried by withRetry so behaviour is ours,
 * honours Retry-After and is testable. Every failure leaves as a ProviderError.
 */
export class Ec2Api {
  private readonly clients = new Map<string, EC2Client>();

  constructor(
    private readonly credentials: AwsCredentials,
    private readonly endpoint: string | undefined,
    private readonly config: AwsDriverConfig,
    private readonly lookup?: LookupFunction,
  ) {}

  client(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = new EC2Client({
        region,
        credentials: {
          accessKeyId: this.credentials.accessKeyId,
          secretAccessKey: this.credentials.secretAccessKey,
          sessionToken: this.credentials.sessionToken,
        },
        ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        maxAttempts: 1,
        protocol: Ec2Protocol,
        requestHandler: {
          requestTimeout: this.config.requestTimeoutMs,
          // Without this the SDK only logs a warning when requestTimeout passes.
          throwOnRequestTimeout: true,
          connectionTimeout: this.config.connectTimeoutMs,
          socketTimeout: this.config.requestTimeoutMs,
          ...(this.lookup && agentsOf(this.lookup)),
        },
      });
      this.clients.set(region, client);
    }
    return client;
  }

  /** Runs one EC2 call in `region` with retries; an aborted signal surfaces as its reason. */
  call<T>(region: string, fn: Ec2Call<T>, signal?: AbortSignal): Promise<T> {
    const client = this.client(region);
    return withRetry(
      async () => {
        signal?.throwIfAborted();
        try {
          return await fn(client, signal ? { abortSignal: signal } : {});
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          throw toProviderError(err);
        }
      },
      { ...this.config.retry, signal },
    );
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
