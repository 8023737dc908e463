import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { Cloud, CreateCloudRequest, Image, ListOf, Location, Size, UpdateCloudRequest } from './types';

export const cloudKeys = {
  all: ['clouds'] as const,
  list: () => [...cloudKeys.all, 'list'] as const,
  catalog: (id: string, kind: 'sizes' | 'images' | 'locations') =>
    [...cloudKeys.all, 'catalog', id, kind] as const,
};

export const cloudsQuery = queryOptions({
  queryKey: cloudKeys.list(),
  queryFn: ({ signal }) => api.get<ListOf<Cloud>>('/clouds', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

function catalogQuery<T>(id: string, kind: 'sizes' | 'images' | 'locations') {
  return queryOptions({
    queryKey: cloudKeys.catalog(id, kind),
    queryFn: ({ signal }) => api.get<ListOf<T>>(`/clouds/${id}/${kind}`, { signal }).then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

export const sizesQuery = (id: string) => catalogQuery<Size>(id, 'sizes');
export const imagesQuery = (id: string) => catalogQuery<Image>(id, 'images');
export const locationsQuery = (id: string) => catalogQuery<Location>(id, 'locations');

export const addCloud = (body: CreateCloudRequest) => api.post<Cloud>('/clouds', body);
export const updateCloud = (id: string, body: UpdateCloudRequest) => api.patch<Cloud>(`/clouds/${id}`, body);
export const refreshCloud = (id: string) => api.post<{ queued: boolean }>(`/clouds/${id}/refresh`);
export const deleteCloud = (id: string, confirm: string) =>
  api.delete<void>(`/clouds/${id}?confirm=${encodeURIComponent(confirm)}`);
