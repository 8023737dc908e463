import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { Machine, ResizeOptions, SnapshotList } from './types';

// Not under machineKeys.detail: the live stream patches every query there as a MachineDetail.
export const snapshotKeys = {
  all: (machineId: string) => ['machine-snapshots', machineId] as const,
  resize: (machineId: string) => ['machine-resize-options', machineId] as const,
};

export const snapshotsQuery = (machineId: string) =>
  queryOptions({
    queryKey: snapshotKeys.all(machineId),
    queryFn: ({ signal }) => api.get<SnapshotList>(`/machines/${machineId}/snapshots`, { signal }),
    // A snapshot being taken turns available at the provider; look again until none is pending.
    refetchInterval: (query) => (query.state.data?.items.some((s) => s.state === 'creating') ? 3_000 : false),
  });

export const resizeOptionsQuery = (machineId: string) =>
  queryOptions({
    queryKey: snapshotKeys.resize(machineId),
    queryFn: ({ signal }) => api.get<ResizeOptions>(`/machines/${machineId}/resize-options`, { signal }),
    staleTime: 0,
  });

export const takeSnapshot = (machineId: string, name: string) =>
  api.post<{ accepted: boolean }>(`/machines/${machineId}/snapshots`, { name });

export const revertSnapshot = (machineId: string, snapshotId: string) =>
  api.post<void>(`/machines/${machineId}/snapshots/${encodeURIComponent(snapshotId)}/revert`);

export const deleteSnapshot = (machineId: string, snapshotId: string) =>
  api.delete<void>(`/machines/${machineId}/snapshots/${encodeURIComponent(snapshotId)}`);

export const resizeMachine = (machineId: string, size: string) =>
  api.post<void>(`/machines/${machineId}/resize`, { size });

export const cloneMachine = (machineId: string, name: string) =>
  api.post<Machine>(`/machines/${machineId}/clone`, { name });
