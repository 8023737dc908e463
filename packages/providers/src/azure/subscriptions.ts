import { ProviderError } from '@overcast/contracts';
import type { AzureApi } from './client';
import type { AzureConfig } from './config';

// Which subscriptions a cloud covers and where new things go: shared by the compute driver and
// its networks (networks.ts).

/** The subscriptions this cloud covers: the configured one, or every enabled one the principal sees. */
export async function subscriptionIds(
  api: AzureApi,
  config: AzureConfig,
  signal?: AbortSignal,
): Promise<string[]> {
  if (config.subscriptionId) return [config.subscriptionId];
  const ids: string[] = [];
  for await (const s of api.pages(
    () => api.subscriptions.subscriptions.list({ abortSignal: signal }),
    signal,
  )) {
    if (s.subscriptionId && s.state !== 'Disabled' && s.state !== 'Deleted') ids.push(s.subscriptionId);
  }
  return ids;
}

/** Where new things go: the configured subscription, or the only one the principal sees. */
export async function targetSubscription(api: AzureApi, config: AzureConfig): Promise<string> {
  const ids = await subscriptionIds(api, config);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0)
    throw new ProviderError(
      'auth',
      'The service principal has no role on any subscription: assign it one (Contributor to create machines).',
    );
  throw new ProviderError(
    'invalid',
    `The service principal sees ${ids.length} subscriptions: set the cloud's subscription id to say where new machines, volumes and networks go.`,
  );
}
