import { features } from '@overcast/contracts/provider-module';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { providersQuery } from '../api/providers';
import type { ProviderInfo } from '../api/types';

/** What the web knows of a provider: its descriptor from GET /providers. */
export type ProviderMeta = ProviderInfo;

/** A kind this build does not know: not even a shell. */
const NOTHING: ProviderInfo['features'] = { ...features({ shell: 'none' }), extraActions: [] };

/** A kind this build does not know (or not yet loaded): its name, and no features. */
export const unknownProvider = (kind: string): ProviderMeta => ({
  kind,
  label: kind,
  mark: '?',
  background: '#64748b',
  foreground: '#ffffff',
  credentials: {},
  config: {},
  endpoint: { overridable: false },
  features: NOTHING,
  pricing: 'none',
});

/**
 * The registered providers, in the order the add-cloud form offers them, and a look-up by kind
 * (`providerMeta(cloud.provider).label`, `.features.containers`): pages ask features, never names.
 */
export function useProviders() {
  const query = useQuery(providersQuery);
  const list = useMemo(() => query.data ?? [], [query.data]);
  const byKind = useMemo(() => new Map(list.map((p) => [p.kind, p])), [list]);
  const providerMeta = useCallback((kind: string) => byKind.get(kind) ?? unknownProvider(kind), [byKind]);
  return { list, providerMeta, query };
}

/** Just the look-up, for components that only name or draw providers. */
export const useProviderMeta = () => useProviders().providerMeta;
