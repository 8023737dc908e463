import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type {
  CatalogDeployRequest,
  CatalogEstimate,
  CatalogItem,
  DeployRequest,
  DeployStackRequest,
  ListOf,
  PublishCatalogItemRequest,
  Stack,
  StackPlan,
  UpdateStackRequest,
} from './types';

export const stackKeys = {
  all: ['stacks'] as const,
  list: () => [...stackKeys.all, 'list'] as const,
  one: (id: string) => [...stackKeys.all, 'one', id] as const,
  catalog: () => [...stackKeys.all, 'catalog'] as const,
  estimate: (itemId: string, inputs: Record<string, unknown>) =>
    [...stackKeys.all, 'estimate', itemId, inputs] as const,
  requests: () => [...stackKeys.all, 'requests'] as const,
  templates: () => [...stackKeys.all, 'templates'] as const,
  template: (id: string) => [...stackKeys.templates(), 'one', id] as const,
  templateVersions: (id: string) => [...stackKeys.template(id), 'versions'] as const,
  templateCheck: (source: string) => [...stackKeys.all, 'template-check', source] as const,
  gallery: () => [...stackKeys.all, 'gallery'] as const,
};

export const stacksQuery = queryOptions({
  queryKey: stackKeys.list(),
  queryFn: ({ signal }) => api.get<ListOf<Stack>>('/stacks', { signal }).then((r) => r.items),
  staleTime: 10_000,
});

/** One stack; kept current by the stream's stack.changed events (see live/applyEvents). */
export const stackQuery = (id: string) =>
  queryOptions({
    queryKey: stackKeys.one(id),
    queryFn: ({ signal }) => api.get<Stack>(`/stacks/${id}`, { signal }),
    staleTime: 5_000,
  });

export const retryStackStep = (id: string, step: string) =>
  api.post<{ accepted: boolean }>(`/stacks/${id}/steps/${encodeURIComponent(step)}/retry`, {});
export const destroyStack = (id: string) => api.post<{ accepted: boolean }>(`/stacks/${id}/destroy`, {});

/** What an update would change; nothing changes until `updateStack`. */
export const planStackUpdate = (id: string, body: UpdateStackRequest) =>
  api.post<StackPlan>(`/stacks/${id}/plan`, body);
export const updateStack = (id: string, body: UpdateStackRequest) =>
  api.post<StackPlan>(`/stacks/${id}/update`, body);
export const rollbackStack = (id: string) => api.post<StackPlan>(`/stacks/${id}/rollback`, {});

export const catalogQuery = queryOptions({
  queryKey: stackKeys.catalog(),
  queryFn: ({ signal }) => api.get<ListOf<CatalogItem>>('/catalog', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

export const catalogEstimateQuery = (itemId: string, inputs: Record<string, unknown>) =>
  queryOptions({
    queryKey: stackKeys.estimate(itemId, inputs),
    queryFn: ({ signal }) => api.post<CatalogEstimate>(`/catalog/${itemId}/estimate`, { inputs }, { signal }),
    staleTime: 5_000,
    retry: false,
  });

export const publishCatalogItem = (body: PublishCatalogItemRequest) =>
  api.post<CatalogItem>('/catalog', body);
export const unpublishCatalogItem = (id: string) => api.delete<void>(`/catalog/${id}`);

/** The stack made, or the request kept for an admin (a deploy over a budget that asks for approval). */
export type DeployOutcome = { stack: Stack } | { request: DeployRequest };

const outcome = (r: Stack | DeployRequest): DeployOutcome => ('refusal' in r ? { request: r } : { stack: r });

export const deployFromCatalog = (itemId: string, body: CatalogDeployRequest): Promise<DeployOutcome> =>
  api.post<Stack | DeployRequest>(`/catalog/${itemId}/deploy`, body).then(outcome);

/** Deploys a version of a template directly (the catalog's deploy, without an item). */
export const deployStack = (body: DeployStackRequest): Promise<DeployOutcome> =>
  api.post<Stack | DeployRequest>('/stacks', body).then(outcome);

export const deployRequestsQuery = queryOptions({
  queryKey: stackKeys.requests(),
  queryFn: ({ signal }) =>
    api.get<ListOf<DeployRequest>>('/deploy-requests', { signal }).then((r) => r.items),
  staleTime: 10_000,
});

export const approveDeployRequest = (id: string) =>
  api.post<DeployRequest>(`/deploy-requests/${id}/approve`, {});
export const rejectDeployRequest = (id: string, reason: string) =>
  api.post<DeployRequest>(`/deploy-requests/${id}/reject`, { reason });
