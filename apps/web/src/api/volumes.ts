import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type { CreateVolumeRequest, VolumeList } from './types';

export const volumeKeys = { all: ['volumes'] as const };

/** What the volume list is narrowed to; `page` counts from 1. */
export interface VolumeFilters {
  q?: string;
  state?: string;
  cloud?: string;
  machine?: string;
  page?: number;
}

export const VOLUME_PAGE_SIZE = 50;

export const volumeListQuery = (filters: VolumeFilters, pageSize = VOLUME_PAGE_SIZE) => {
  const { page = 1, ...rest } = filters;
  return queryOptions({
    queryKey: [...volumeKeys.all, 'list', rest, page, pageSize] as const,
    queryFn: ({ signal }) =>
      api.get<VolumeList>(
        withQuery('/volumes', { ...rest, limit: pageSize, offset: (page - 1) * pageSize }),
        { signal },
      ),
    // The page being left stays on screen until the next one arrives.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
};

export const createVolume = (cloudId: string, body: CreateVolumeRequest) =>
  api.post<{ accepted: boolean }>(`/clouds/${cloudId}/volumes`, body);
export const attachVolume = (id: string, machineId: string) =>
  api.post<{ accepted: boolean }>(`/volumes/${id}/attach`, { machineId });
export const detachVolume = (id: string, machineId: string) =>
  api.post<{ accepted: boolean }>(`/volumes/${id}/detach`, { machineId });
export const deleteVolume = (id: string) => api.delete<{ accepted: boolean }>(`/volumes/${id}`);
