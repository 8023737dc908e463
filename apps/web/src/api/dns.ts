import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type {
  CreateDnsRecordRequest,
  CreateDnsZoneRequest,
  DnsRecord,
  DnsRecordList,
  DnsZone,
  DnsZoneList,
} from './types';

export const dnsKeys = {
  all: ['dns'] as const,
  zones: (cloudId: string) => [...dnsKeys.all, cloudId, 'zones'] as const,
  records: (cloudId: string, zoneId: string) => [...dnsKeys.all, cloudId, 'zones', zoneId] as const,
};

const zonesPath = (cloudId: string) => `/clouds/${cloudId}/dns/zones`;
const zonePath = (cloudId: string, zoneId: string) =>
  `${zonesPath(cloudId)}/${encodeURIComponent(zoneId)}/records`;

export const dnsZonesQuery = (cloudId: string) =>
  queryOptions({
    queryKey: dnsKeys.zones(cloudId),
    queryFn: ({ signal }) => api.get<DnsZoneList>(zonesPath(cloudId), { signal }),
    staleTime: 30_000,
  });

export const dnsRecordsQuery = (cloudId: string, zoneId: string) =>
  queryOptions({
    queryKey: dnsKeys.records(cloudId, zoneId),
    queryFn: ({ signal }) => api.get<DnsRecordList>(zonePath(cloudId, zoneId), { signal }),
    staleTime: 15_000,
  });

export const createDnsRecord = (cloudId: string, zoneId: string, body: CreateDnsRecordRequest) =>
  api.post<DnsRecord>(zonePath(cloudId, zoneId), body);
export const updateDnsRecord = (
  cloudId: string,
  zoneId: string,
  id: string,
  body: Partial<CreateDnsRecordRequest>,
) => api.patch<DnsRecord>(`${zonePath(cloudId, zoneId)}/${id}`, body);
export const deleteDnsRecord = (cloudId: string, zoneId: string, id: string) =>
  api.delete<null>(`${zonePath(cloudId, zoneId)}/${id}`);

export const createDnsZone = (cloudId: string, body: CreateDnsZoneRequest) =>
  api.post<DnsZone>(zonesPath(cloudId), body);
/** `force` deletes the zone's records first; without it a zone with records is refused. */
export const deleteDnsZone = (cloudId: string, zoneId: string, force: boolean) =>
  api.delete<null>(
    withQuery(`${zonesPath(cloudId)}/${encodeURIComponent(zoneId)}`, { force: force || undefined }),
  );
