import type { DnsDriver, DnsRecordSpec, DnsZoneSpec, RemoteRecord, RemoteZone } from '@overcast/contracts';
import { ProviderError } from '@overcast/contracts';
import { fromRdata, toRdata, withoutDot } from '../common/dns-values';
import { collect, type JsonApi, present } from '../common/json-api';
import { vultrId, vultrPages } from './wire';

// Vultr's domains (/v2/domains) and their records (/v2/domains/{domain}/records): domains by
// name, records by UUID, names relative to the domain ("" is the apex). MX and SRV keep their
// priority apart; an SRV's data is "weight port target"; CAA and TXT data are zone-file text.

export interface VultrWireDomain {
  domain?: string;
  date_created?: string;
  dns_sec?: string;
}

export interface VultrWireRecord {
  id?: string;
  type?: string;
  name?: string;
  data?: string;
  priority?: number | null;
  ttl?: number | null;
}

const PROVIDER = 'Vultr';
const DEFAULT_TTL = 300;

export function toZone(d: VultrWireDomain): RemoteZone {
  const name = d.domain ?? '';
  return { externalId: name, name, extra: { dnsSec: d.dns_sec ?? null } };
}

export function toRecord(r: VultrWireRecord): RemoteRecord {
  const type = r.type ?? '';
  const data = r.data ?? '';
  const base = { externalId: r.id ?? '', name: r.name || '@', type, ttl: r.ttl ?? DEFAULT_TTL };
  switch (type) {
    case 'MX':
      return { ...base, value: withoutDot(data), priority: r.priority ?? 0 };
    case 'SRV':
      return { ...base, ...fromRdata(type, `${r.priority ?? 0} ${data}`) };
    case 'CAA':
    case 'TXT':
      return { ...base, ...fromRdata(type, data) };
    case 'CNAME':
    case 'NS':
      return { ...base, value: withoutDot(data) };
    default:
      return { ...base, value: data };
  }
}

/** Vultr's data for a record: SRV without its priority, which travels apart as for MX. */
function wireData(spec: DnsRecordSpec): string {
  switch (spec.type) {
    case 'MX':
    case 'CNAME':
    case 'NS':
      return withoutDot(spec.value);
    case 'SRV':
      return `${spec.weight ?? 0} ${spec.port ?? 0} ${withoutDot(spec.value)}`;
    case 'CAA':
    case 'TXT':
      return toRdata(spec);
    default:
      return spec.value;
  }
}

function toWire(spec: DnsRecordSpec) {
  return {
    name: spec.name === '@' ? '' : spec.name,
    data: wireData(spec),
    ttl: spec.ttl,
    priority: spec.type === 'MX' || spec.type === 'SRV' ? spec.priority : undefined,
  };
}

/** A domain's name in a path: labels between single dots, so nothing can leave its place (".."). */
function domainPath(zoneId: string): string {
  if (zoneId.length > 253 || !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(zoneId))
    throw new ProviderError('not-found', `'${zoneId}' is not a Vultr domain`);
  return `/domains/${zoneId}`;
}
const recordPath = (zoneId: string, id: string) =>
  `${domainPath(zoneId)}/records/${vultrId(id, 'Vultr DNS record', 'not-found')}`;

export class VultrDns implements DnsDriver {
  constructor(private readonly api: JsonApi) {}

  async listZones(): Promise<RemoteZone[]> {
    return (await collect(vultrPages<VultrWireDomain>(this.api, '/domains', 'domains'))).map(toZone);
  }

  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const data = await this.api.request<{ domain?: VultrWireDomain }>('POST', '/domains', {
      body: { domain: spec.name },
    });
    return toZone(present(data?.domain, PROVIDER, 'domain'));
  }

  /** Vultr deletes a domain with its records; Overcast checks for records before asking. */
  async deleteZone(zoneId: string): Promise<void> {
    await this.api.request('DELETE', domainPath(zoneId));
  }

  async listRecords(zoneId: string): Promise<RemoteRecord[]> {
    const path = `${domainPath(zoneId)}/records`;
    return (await collect(vultrPages<VultrWireRecord>(this.api, path, 'records'))).map(toRecord);
  }

  async createRecord(zoneId: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const data = await this.api.request<{ record?: VultrWireRecord }>(
      'POST',
      `${domainPath(zoneId)}/records`,
      {
        body: { type: spec.type, ...toWire(spec) },
      },
    );
    return toRecord(present(data?.record, PROVIDER, 'record'));
  }

  /** Vultr's PATCH keeps a record's type and answers nothing: the record is read before and after. */
  async updateRecord(zoneId: string, id: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const path = recordPath(zoneId, id);
    const read = async () =>
      present(
        (await this.api.request<{ record?: VultrWireRecord }>('GET', path))?.record,
        PROVIDER,
        'record',
      );
    const current = await read();
    if (current.type !== spec.type)
      throw new ProviderError(
        'invalid',
        `Vultr cannot turn a ${current.type ?? 'record'} record into a ${spec.type} record: delete it and add a new one.`,
      );
    await this.api.request('PATCH', path, { body: toWire(spec), idempotent: true });
    return toRecord(await read());
  }

  async deleteRecord(zoneId: string, id: string): Promise<void> {
    await this.api.request('DELETE', recordPath(zoneId, id));
  }
}
