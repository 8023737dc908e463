import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { Cloud, CreateCloudRequest, Image, ListOf, Location, Size, UpdateCloudRequest } from './types';

export const cloudKeys = {
  all: ['clouds'] as const,
  list: () => [...cloudKeys.all, 'list'] as const,
  catalog: (id: string, kind: 'sizes' | 'images' | 'locations', location = '') =>
    [...cloudKeys.all, 'catalog', id, kind, location] as const,
};

export const cloudsQuery = queryOptions({
  queryKey: cloudKeys.list(),
  queryFn: ({ signal }) => api.get<ListOf<Cloud>>('/clouds', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

/** With a location, only what can be launched there, priced for its region. */
function catalogQuery<T>(id: string, kind: 'sizes' | 'images' | 'locations', location = '') {
  const query = location ? `?location=${encodeURIComponent(location)}` : '';
  return queryOptions({
    queryKey: cloudKeys.catalog(id, kind, location),
    queryFn: ({ signal }) =>
      api.get<ListOf<T>>(`/clouds/${id}/${kind}${query}`, { signal }).then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

export const sizesQuery = (id: string, location = '') => catalogQuery<Size>(id, 'sizes', location);
export const imagesQuery = (id: string, location = '') => catalogQuery<Image>(id, 'images', location);
export const locationsQuery = (id: string) => catalogQuery<Location>(id, 'locations');

export const addCloud = (body: CreateCloudRequest) => api.post<Cloud>('/clouds', body);
export const updateCloud = (id: string, body: UpdateCloudRequest) => api.patch<Cloud>(`/clouds/${id}`, body);
export const refreshCloud = (id: string) => api.post<{ queued: boolean }>(`/clouds/${id}/refresh`);
export const deleteCloud = (id: string, confirm: string) =>
  api.delete<void>(`/clouds/${id}?confirm=${encodeURIComponent(confirm)}`);
