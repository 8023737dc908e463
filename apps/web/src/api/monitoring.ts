import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type {
  ChannelTestResult,
  CreateNotificationChannelRequest,
  CreateRuleRequest,
  FleetUsage,
  Incident,
  ListOf,
  MachineMonitoring,
  MachineMonitoringRequest,
  MetricName,
  MetricSeries,
  NotificationChannel,
  NotificationChannelList,
  Rule,
  RuleTarget,
  UpdateRuleRequest,
} from './types';

export type MetricRange = '1h' | '24h' | '7d' | '30d';

export const metricSeriesQuery = (machineId: string, metric: MetricName, range: MetricRange) =>
  queryOptions({
    queryKey: ['machines', 'metrics', machineId, metric, range] as const,
    queryFn: ({ signal }) =>
      api.get<MetricSeries>(withQuery(`/machines/${machineId}/metrics`, { metric, range }), { signal }),
    staleTime: 30_000,
    refetchInterval: range === '1h' ? 60_000 : 300_000,
  });

export const machineMonitoringQuery = (machineId: string) =>
  queryOptions({
    queryKey: ['machines', 'monitoring', machineId] as const,
    queryFn: ({ signal }) => api.get<MachineMonitoring>(`/machines/${machineId}/monitoring`, { signal }),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });

export const setMachineMonitoring = (machineId: string, body: MachineMonitoringRequest) =>
  api.put<MachineMonitoring>(`/machines/${machineId}/monitoring`, body);

export const setMonitoringFor = (target: RuleTarget, enabled: boolean) =>
  api.post<{ machines: number }>('/monitoring/machines', { target, enabled });

export const fleetQuery = (hours: number) =>
  queryOptions({
    queryKey: ['monitoring', 'fleet', hours] as const,
    queryFn: ({ signal }) =>
      api.get<FleetUsage>(withQuery('/monitoring/fleet', { hours, limit: 10 }), { signal }),
    staleTime: 60_000,
  });

export const rulesQuery = queryOptions({
  queryKey: ['rules'] as const,
  queryFn: ({ signal }) => api.get<ListOf<Rule>>('/rules', { signal }).then((r) => r.items),
  staleTime: 15_000,
  refetchInterval: 30_000,
});

export const createRule = (body: CreateRuleRequest) => api.post<Rule>('/rules', body);
export const updateRule = (id: string, body: UpdateRuleRequest) => api.patch<Rule>(`/rules/${id}`, body);
export const deleteRule = (id: string) => api.delete<void>(`/rules/${id}`);

export const incidentKeys = { all: ['incidents'] as const };

export const incidentsQuery = (status?: 'open' | 'resolved', machineId?: string) =>
  queryOptions({
    queryKey: [...incidentKeys.all, status ?? 'all', machineId ?? 'any'] as const,
    queryFn: ({ signal }) =>
      api
        .get<ListOf<Incident>>(withQuery('/incidents', { status, machineId, limit: 200 }), { signal })
        .then((r) => r.items),
    staleTime: 10_000,
    refetchInterval: 20_000,
  });

export const incidentQuery = (id: string) =>
  queryOptions({
    queryKey: [...incidentKeys.all, 'one', id] as const,
    queryFn: ({ signal }) => api.get<Incident>(`/incidents/${id}`, { signal }),
    refetchInterval: 20_000,
  });

export const channelsQuery = queryOptions({
  queryKey: ['notification-channels'] as const,
  queryFn: ({ signal }) => api.get<NotificationChannelList>('/notification-channels', { signal }),
  staleTime: 30_000,
});

export const createChannel = (body: CreateNotificationChannelRequest) =>
  api.post<NotificationChannel>('/notification-channels', body);
export const deleteChannel = (id: string) => api.delete<void>(`/notification-channels/${id}`);
export const testChannel = (id: string) => api.post<ChannelTestResult>(`/notification-channels/${id}/test`);
