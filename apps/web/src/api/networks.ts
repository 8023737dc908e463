import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type {
  AddFirewallRuleResult,
  CreateFirewallRequest,
  CreateNetworkRequest,
  CreateSubnetRequest,
  Exposure,
  Firewall,
  FirewallList,
  FirewallRuleInput,
  NetworkDetail,
  NetworkList,
} from './types';

/** Networks, subnets and firewalls change together: one key invalidates them all. */
export const networkKeys = { all: ['networks'] as const };

export interface NetworkFilters {
  cloud?: string;
  machine?: string;
}

export const networkListQuery = (filters: NetworkFilters = {}) =>
  queryOptions({
    queryKey: [...networkKeys.all, 'list', filters] as const,
    queryFn: ({ signal }) => api.get<NetworkList>(withQuery('/networks', { ...filters }), { signal }),
    staleTime: 30_000,
  });

export const networkQuery = (id: string) =>
  queryOptions({
    queryKey: [...networkKeys.all, 'one', id] as const,
    queryFn: ({ signal }) => api.get<NetworkDetail>(`/networks/${id}`, { signal }),
    staleTime: 30_000,
  });

export const firewallListQuery = (filters: NetworkFilters = {}) =>
  queryOptions({
    queryKey: [...networkKeys.all, 'firewalls', filters] as const,
    queryFn: ({ signal }) => api.get<FirewallList>(withQuery('/firewalls', { ...filters }), { signal }),
    staleTime: 30_000,
  });

export const exposureQuery = (port: 22 | 3389 = 22) =>
  queryOptions({
    queryKey: [...networkKeys.all, 'exposure', port] as const,
    queryFn: ({ signal }) => api.get<Exposure>(withQuery('/firewalls/exposure', { port }), { signal }),
    staleTime: 30_000,
  });

export const createNetwork = (body: CreateNetworkRequest) => api.post<NetworkDetail>('/networks', body);
export const deleteNetwork = (id: string) => api.delete<null>(`/networks/${id}`);
export const createSubnet = (networkId: string, body: CreateSubnetRequest) =>
  api.post<NetworkDetail>(`/networks/${networkId}/subnets`, body);
export const deleteSubnet = (networkId: string, subnetId: string) =>
  api.delete<null>(`/networks/${networkId}/subnets/${subnetId}`);
/** Only where the cloud's provider makes firewalls (`features.firewallsMade`). */
export const createFirewall = (body: CreateFirewallRequest) => api.post<Firewall>('/firewalls', body);
export const deleteFirewall = (id: string) => api.delete<null>(`/firewalls/${id}`);
export const addFirewallRule = (id: string, rule: FirewallRuleInput, acknowledgeExposure = false) =>
  api.post<AddFirewallRuleResult>(`/firewalls/${id}/rules`, {
    rule,
    ...(acknowledgeExposure ? { acknowledgeExposure } : {}),
  });
export const removeFirewallRule = (id: string, rule: FirewallRuleInput) =>
  api.post<Firewall>(`/firewalls/${id}/rules/remove`, { rule });
