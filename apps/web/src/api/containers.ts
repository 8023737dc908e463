import { queryOptions } from '@tanstack/react-query';
import { api, postStream } from './client';
import type { ContainerCreateLine, CreateContainerRequest, EngineFacts } from './types';

export const engineFactsQuery = (cloudId: string) =>
  queryOptions({
    queryKey: ['clouds', 'engine', cloudId] as const,
    queryFn: ({ signal }) => api.get<EngineFacts>(`/clouds/${cloudId}/engine`, { signal }),
    staleTime: 60_000,
    retry: false,
  });

/** Creates a container; `onLine` sees the image pull's progress, then `done` or `error`. */
export const createContainer = (
  cloudId: string,
  body: CreateContainerRequest,
  onLine: (line: ContainerCreateLine) => void,
  signal?: AbortSignal,
) => postStream<ContainerCreateLine>(`/clouds/${cloudId}/containers`, body, onLine, signal);
