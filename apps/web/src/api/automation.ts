import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type {
  CreateScheduleRequest,
  CreateScriptRequest,
  ExpiringMachine,
  ListOf,
  MachineExpiration,
  PreviewScheduleRequest,
  Schedule,
  ScheduleRun,
  Script,
  ScriptRun,
  ScriptRunSummary,
  ScriptVersion,
  SetExpirationRequest,
  StartScriptRunRequest,
  UpdateScheduleRequest,
  UpdateScriptRequest,
} from './types';

export const automationKeys = {
  scripts: ['scripts'] as const,
  scriptVersions: (id: string) => ['scripts', id, 'versions'] as const,
  scriptRuns: (id: string) => ['scripts', id, 'runs'] as const,
  run: (id: string) => ['script-runs', id] as const,
  schedules: ['schedules'] as const,
  scheduleRuns: (id: string) => ['schedules', id, 'runs'] as const,
  expiring: ['machines', 'expiring'] as const,
};

export const scriptsQuery = queryOptions({
  queryKey: automationKeys.scripts,
  queryFn: ({ signal }) => api.get<ListOf<Script>>('/scripts', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

export const scriptVersionsQuery = (id: string) =>
  queryOptions({
    queryKey: automationKeys.scriptVersions(id),
    queryFn: ({ signal }) =>
      api.get<ListOf<ScriptVersion>>(`/scripts/${id}/versions`, { signal }).then((r) => r.items),
  });

export const scriptRunsQuery = (id: string) =>
  queryOptions({
    queryKey: automationKeys.scriptRuns(id),
    queryFn: ({ signal }) =>
      api
        .get<ListOf<ScriptRunSummary>>(withQuery(`/scripts/${id}/runs`, { limit: 20 }), { signal })
        .then((r) => r.items),
  });

export const scriptRunQuery = (id: string) =>
  queryOptions({
    queryKey: automationKeys.run(id),
    queryFn: ({ signal }) => api.get<ScriptRun>(`/script-runs/${id}`, { signal }),
  });

export const createScript = (body: CreateScriptRequest) => api.post<Script>('/scripts', body);
export const updateScript = (id: string, body: UpdateScriptRequest) =>
  api.patch<Script>(`/scripts/${id}`, body);
export const deleteScript = (id: string) => api.delete<void>(`/scripts/${id}`);
export const startScriptRun = (id: string, body: StartScriptRunRequest) =>
  api.post<{ id: string; targets: number }>(`/scripts/${id}/runs`, body);

export const schedulesQuery = queryOptions({
  queryKey: automationKeys.schedules,
  queryFn: ({ signal }) => api.get<ListOf<Schedule>>('/schedules', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

export const scheduleRunsQuery = (id: string) =>
  queryOptions({
    queryKey: automationKeys.scheduleRuns(id),
    queryFn: ({ signal }) =>
      api
        .get<ListOf<ScheduleRun>>(withQuery(`/schedules/${id}/runs`, { limit: 20 }), { signal })
        .then((r) => r.items),
  });

export const previewSchedule = (body: PreviewScheduleRequest, signal?: AbortSignal) =>
  api.post<{ nextRuns: string[] }>('/schedules/preview', body, { signal });
export const createSchedule = (body: CreateScheduleRequest) => api.post<Schedule>('/schedules', body);
export const updateSchedule = (id: string, body: UpdateScheduleRequest) =>
  api.patch<Schedule>(`/schedules/${id}`, body);
export const deleteSchedule = (id: string) => api.delete<void>(`/schedules/${id}`);

export const expiringQuery = queryOptions({
  queryKey: automationKeys.expiring,
  queryFn: ({ signal }) =>
    api
      .get<ListOf<ExpiringMachine>>(withQuery('/machines/expiring', { withinHours: 168 }), { signal })
      .then((r) => r.items),
  staleTime: 30_000,
});
export const setExpiration = (machineId: string, body: SetExpirationRequest) =>
  api.put<MachineExpiration>(`/machines/${machineId}/expiration`, body);
export const clearExpiration = (machineId: string) => api.delete<void>(`/machines/${machineId}/expiration`);
