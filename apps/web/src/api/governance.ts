import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { EstimateMachineRequest, LimitsInput, MachineEstimate, ScopeLimits } from './types';

export const limitKeys = {
  all: ['limits'] as const,
  estimate: (cloudId: string, req: EstimateMachineRequest) =>
    [...limitKeys.all, 'estimate', cloudId, req] as const,
};

/** The organization's and every team's quotas and constraints, with their use now. */
export const limitsQuery = queryOptions({
  queryKey: limitKeys.all,
  queryFn: ({ signal }) => api.get<{ items: ScopeLimits[] }>('/limits', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

/** The cost of a machine being chosen, and what would remain of each budget that applies. */
export const machineEstimateQuery = (cloudId: string, req: EstimateMachineRequest) =>
  queryOptions({
    queryKey: limitKeys.estimate(cloudId, req),
    queryFn: ({ signal }) =>
      api.post<MachineEstimate>(`/clouds/${cloudId}/machines/estimate`, req, { signal }),
    staleTime: 10_000,
  });

export const setTeamLimits = (teamId: string, limits: LimitsInput) =>
  api.put<ScopeLimits>(`/limits/teams/${teamId}`, limits);
export const setOrganizationLimits = (limits: LimitsInput) =>
  api.put<ScopeLimits>('/limits/organization', limits);
