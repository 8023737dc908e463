import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { CreateVolumeRequest, ListOf, Volume } from './types';

export const volumeKeys = { all: ['volumes'] as const };

export const volumesQuery = queryOptions({
  queryKey: volumeKeys.all,
  queryFn: ({ signal }) => api.get<ListOf<Volume>>('/volumes', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

export const createVolume = (cloudId: string, body: CreateVolumeRequest) =>
  api.post<{ accepted: boolean }>(`/clouds/${cloudId}/volumes`, body);
export const attachVolume = (id: string, machineId: string) =>
  api.post<{ accepted: boolean }>(`/volumes/${id}/attach`, { machineId });
export const detachVolume = (id: string, machineId: string) =>
  api.post<{ accepted: boolean }>(`/volumes/${id}/detach`, { machineId });
export const deleteVolume = (id: string) => api.delete<{ accepted: boolean }>(`/volumes/${id}`);
