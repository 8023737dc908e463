import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { ListOf, ProviderInfo } from './types';

/** The providers this build knows; they change only with a new release. */
export const providersQuery = queryOptions({
  queryKey: ['providers'] as const,
  queryFn: ({ signal }) => api.get<ListOf<ProviderInfo>>('/providers', { signal }).then((r) => r.items),
  staleTime: Number.POSITIVE_INFINITY,
});
