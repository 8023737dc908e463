import {
  type DnsDriver,
  type DnsRecordSpec,
  type DnsZoneSpec,
  ProviderError,
  type RemoteRecord,
  type RemoteZone,
} from '@overcast/contracts';
import { absolute, withoutDot } from '../common/dns-values';
import type { DoClient, DotsClient } from './client';
import { listAll, present } from './list-all';

// DigitalOcean's domains (/v2/domains) and their records (/v2/domains/{name}/records).

interface DoWireDomain {
  name?: string;
  ttl?: number;
}

interface DoWireRecord {
  id?: number;
  type?: string;
  name?: string;
  data?: string;
  priority?: number | null;
  port?: number | null;
  weight?: number | null;
  ttl?: number | null;
  flags?: number | null;
  tag?: string | null;
}

/** DigitalOcean's default TTL, for records listed without one. */
const DEFAULT_TTL = 1800;
const HOST_TYPES = new Set(['CNAME', 'NS', 'MX', 'SRV']);

export function toZone(d: DoWireDomain): RemoteZone {
  const name = d.name ?? '';
  return { externalId: name, name, extra: { ttl: d.ttl ?? null } };
}

export function toRecord(r: DoWireRecord): RemoteRecord {
  const type = r.type ?? '';
  const data = r.data ?? '';
  const record: RemoteRecord = {
    externalId: String(r.id ?? ''),
    name: r.name || '@',
    type,
    ttl: r.ttl ?? DEFAULT_TTL,
    value: HOST_TYPES.has(type) ? withoutDot(data) : data,
  };
  if (typeof r.priority === 'number') record.priority = r.priority;
  if (typeof r.weight === 'number') record.weight = r.weight;
  if (typeof r.port === 'number') record.port = r.port;
  if (type === 'CAA') {
    record.flags = r.flags ?? 0;
    record.tag = r.tag ?? 'issue';
  }
  return record;
}

/** The body DigitalOcean takes for a record: host targets absolute, fields its type uses, nulls elsewhere. */
function toWire(spec: DnsRecordSpec) {
  return {
    type: spec.type,
    name: spec.name,
    data: HOST_TYPES.has(spec.type) ? absolute(spec.value) : spec.value,
    ttl: spec.ttl,
    priority: spec.type === 'MX' || spec.type === 'SRV' ? (spec.priority ?? null) : null,
    weight: spec.type === 'SRV' ? (spec.weight ?? null) : null,
    port: spec.type === 'SRV' ? (spec.port ?? null) : null,
    flags: spec.type === 'CAA' ? (spec.flags ?? 0) : null,
    tag: spec.type === 'CAA' ? (spec.tag ?? null) : null,
  };
}

function recordId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new ProviderError('not-found', `'${id}' is not a DigitalOcean record id`);
  return Number(id);
}

export class DigitalOceanDns implements DnsDriver {
  constructor(
    private readonly client: DoClient,
    private readonly perPage: number,
  ) {}

  private all<T>(fetch: (api: DotsClient, page: number) => Promise<{ data: unknown }>, key: string) {
    return listAll<T>(this.client, fetch, key);
  }

  async listZones(): Promise<RemoteZone[]> {
    const domains = await this.all<DoWireDomain>(
      (api, page) => api.domain.listDomains({ page, per_page: this.perPage }),
      'domains',
    );
    return domains.map(toZone);
  }

  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const data = await this.client.post((api) => api.domain.createDomain({ name: spec.name }));
    return toZone(present(data?.domain, 'domain'));
  }

  /** DigitalOcean deletes a domain with its records; Overcast checks for records before asking. */
  async deleteZone(zoneId: string): Promise<void> {
    await this.client.get((api) => api.domain.deleteDomain({ name: zoneId }));
  }

  async listRecords(zoneId: string): Promise<RemoteRecord[]> {
    const records = await this.all<DoWireRecord>(
      (api, page) => api.domain.listDomainRecords({ domain_name: zoneId, page, per_page: this.perPage }),
      'domain_records',
    );
    return records.map(toRecord);
  }

  async createRecord(zoneId: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const data = await this.client.post((api) =>
      api.domain.createDomainRecord({ domain_name: zoneId, ...toWire(spec) }),
    );
    return toRecord(present(data?.domain_record, 'domain_record'));
  }

  async updateRecord(zoneId: string, id: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const domain_record_id = recordId(id);
    // A PUT of the whole record: sent again after an outage it leaves the same result.
    const data = await this.client.get((api) =>
      api.domain.updateDomainRecord({ domain_name: zoneId, domain_record_id, ...toWire(spec) }),
    );
    return toRecord(present(data?.domain_record, 'domain_record'));
  }

  async deleteRecord(zoneId: string, id: string): Promise<void> {
    const domain_record_id = recordId(id);
    await this.client.get((api) => api.domain.deleteDomainRecord({ domain_name: zoneId, domain_record_id }));
  }
}
