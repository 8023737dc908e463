import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type { CostHistory, CostReport, CostSavings, CostSummary } from './types';

export const costKeys = {
  all: ['costs'] as const,
  summary: () => [...costKeys.all, 'summary'] as const,
  history: (days: number) => [...costKeys.all, 'history', days] as const,
  report: (q: CostReportParams) => [...costKeys.all, 'report', q] as const,
  savings: () => [...costKeys.all, 'savings'] as const,
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

export interface CostReportParams {
  from: string;
  to: string;
  groupBy: string;
  granularity: 'day' | 'month';
}

const reportPath = (path: string, q: CostReportParams) => withQuery(path, { ...q });

export const costReportQuery = (q: CostReportParams) =>
  queryOptions({
    queryKey: costKeys.report(q),
    queryFn: ({ signal }) => api.get<CostReport>(reportPath('/cost/report', q), { signal }),
    staleTime: 5 * 60_000,
  });

/** The CSV download: the browser fetches it itself, with the session cookie. */
export const costReportCsvUrl = (q: CostReportParams) => `/api/v1${reportPath('/cost/report.csv', q)}`;

export const costSavingsQuery = queryOptions({
  queryKey: costKeys.savings(),
  queryFn: ({ signal }) => api.get<CostSavings>('/cost/savings', { signal }),
  staleTime: 60_000,
});
