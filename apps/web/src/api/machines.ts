import type { MachineListQuery } from '@overcast/contracts';
import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type {
  CreateMachineRequest,
  DeployRequest,
  Machine,
  MachineAction,
  MachineDetail,
  MachinePage,
} from './types';

/**
 * The list filters as they go to GET /machines: the contract's query without its paging. They
 * come from the URL, so the API checks them again.
 */
export type MachineFilters = Omit<MachineListQuery, 'limit' | 'cursor'>;

export const machineKeys = {
  all: ['machines'] as const,
  lists: () => [...machineKeys.all, 'list'] as const,
  list: (filters: MachineFilters) => [...machineKeys.lists(), filters] as const,
  counts: () => [...machineKeys.all, 'count'] as const,
  count: (filters: MachineFilters) => [...machineKeys.counts(), filters] as const,
  details: () => [...machineKeys.all, 'detail'] as const,
  detail: (id: string) => [...machineKeys.details(), id] as const,
  recent: () => [...machineKeys.all, 'recent'] as const,
};

/** A small first page paints the table fast; later pages are as large as the API allows. */
export const FIRST_PAGE = 200;
export const NEXT_PAGE = 1000;

export function listMachines(
  filters: MachineFilters,
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
) {
  return api.get<MachinePage>(withQuery('/machines', { ...filters, limit, cursor }), { signal });
}

export const machineListQuery = (filters: MachineFilters) =>
  infiniteQueryOptions({
    queryKey: machineKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      listMachines(filters, pageParam, pageParam ? NEXT_PAGE : FIRST_PAGE, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // The live stream keeps the rows current; a refetch would reload every loaded page.
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
    // Rows are patched in place by the stream with their identity kept; deep comparison of
    // thousands of rows on every change would cost more than it saves.
    structuralSharing: false,
    // While a new search or filter loads, the previous rows stay (dimmed) instead of a blank table.
    placeholderData: keepPreviousData,
  });

/** How many machines match, without their rows. */
export const machineCountQuery = (filters: MachineFilters) =>
  queryOptions({
    queryKey: machineKeys.count(filters),
    queryFn: ({ signal }) => listMachines(filters, null, 1, signal).then((page) => page.total),
    staleTime: 30_000,
  });

export const recentMachinesQuery = queryOptions({
  queryKey: machineKeys.recent(),
  queryFn: ({ signal }) => listMachines({ sort: '-createdAt' }, null, 6, signal).then((page) => page.items),
  staleTime: 30_000,
});

export const machineDetailQuery = (id: string) =>
  queryOptions({
    queryKey: machineKeys.detail(id),
    queryFn: ({ signal }) => getMachine(id, signal),
    staleTime: 30_000,
  });

export const getMachine = (id: string, signal?: AbortSignal) =>
  api.get<MachineDetail>(`/machines/${id}`, { signal });

export const machineAction = (
  id: string,
  action: MachineAction,
  name?: string,
  options: { removeVolumes?: boolean } = {},
) =>
  api.post<{ accepted: boolean }>(`/machines/${id}/actions`, {
    action,
    ...(name ? { name } : {}),
    ...(options.removeVolumes ? { removeVolumes: true } : {}),
  });

export const setMachineTags = (id: string, tags: Record<string, string>) =>
  api.post<void>(`/machines/${id}/tags`, { tags });

export const removeMachineTag = (id: string, key: string) =>
  api.delete<void>(`/machines/${id}/tags/${encodeURIComponent(key)}`);

/** The machine made, or the request kept for an admin (over a budget that asks for approval). */
export type CreateMachineOutcome = { machine: Machine } | { request: DeployRequest };

export const createMachine = (cloudId: string, body: CreateMachineRequest): Promise<CreateMachineOutcome> =>
  api
    .post<Machine | DeployRequest>(`/clouds/${cloudId}/machines`, body)
    .then((r) => ('refusal' in r ? { request: r } : { machine: r }));
