import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { CostHistory, CostSummary } from './types';

export const costKeys = {
  all: ['costs'] as const,
  summary: () => [...costKeys.all, 'summary'] as const,
  history: (days: number) => [...costKeys.all, 'history', days] as const,
};

export const costSummaryQuery = queryOptions({
  queryKey: costKeys.summary(),
  queryFn: ({ signal }) => api.get<CostSummary>('/costs/summary', { signal }),
  staleTime: 30_000,
});

export const costHistoryQuery = (days = 30) =>
  queryOptions({
    queryKey: costKeys.history(days),
    queryFn: ({ signal }) => api.get<CostHistory>(`/costs/history?days=${days}`, { signal }),
    staleTime: 5 * 60_000,
  });
