import type { DnsDriver, DnsRecordSpec, DnsZoneSpec, RemoteRecord, RemoteZone } from '@overcast/contracts';
import { ProviderError } from '@overcast/contracts';
import { withoutDot } from '../common/dns-values';
import { collect, type JsonApi, present } from '../common/json-api';
import { linodePages, numericId } from './wire';

// Linode's domains (/v4/domains) and their records (/v4/domains/{id}/records): records by
// numeric id, names relative to the domain ("" is the apex), host targets without the dot.

export interface LinodeWireDomain {
  id?: number;
  domain?: string;
  type?: string;
  status?: string;
  soa_email?: string;
  ttl_sec?: number;
}

export interface LinodeWireRecord {
  id?: number;
  type?: string;
  name?: string;
  target?: string;
  priority?: number | null;
  weight?: number | null;
  port?: number | null;
  service?: string | null;
  protocol?: string | null;
  ttl_sec?: number | null;
  tag?: string | null;
}

const PROVIDER = 'Linode';
/** What Linode serves for a TTL of 0 ("the default") when the domain sets none either. */
const DEFAULT_TTL = 86_400;
const HOST_TYPES = new Set(['CNAME', 'NS', 'MX', 'SRV']);

export function toZone(d: LinodeWireDomain): RemoteZone {
  return {
    externalId: String(d.id ?? ''),
    name: d.domain ?? '',
    extra: { type: d.type ?? null, status: d.status ?? null, soaEmail: d.soa_email ?? null },
  };
}

/** The zone a record is read in: its apex names are made relative, its TTL fills a record's 0. */
interface ZoneContext {
  name?: string;
  ttl?: number;
}

function relative(name: string, zone: string | undefined): string {
  if (zone && name === zone) return '@';
  if (zone && name.endsWith(`.${zone}`)) return name.slice(0, -zone.length - 1);
  return name || '@';
}

export function toRecord(r: LinodeWireRecord, zone: ZoneContext = {}): RemoteRecord {
  const type = r.type ?? '';
  const target = r.target ?? '';
  // An SRV record is named by its service and protocol; older answers leave the name empty.
  const srvName = r.service && r.protocol ? `_${r.service}._${r.protocol}` : '';
  const record: RemoteRecord = {
    externalId: String(r.id ?? ''),
    name: relative(type === 'SRV' && !r.name ? srvName : (r.name ?? ''), zone.name),
    type,
    ttl: r.ttl_sec || zone.ttl || DEFAULT_TTL,
    value: HOST_TYPES.has(type) ? withoutDot(target) : target,
  };
  if (type === 'MX' || type === 'SRV') record.priority = r.priority ?? 0;
  if (type === 'SRV') {
    record.weight = r.weight ?? 0;
    record.port = r.port ?? 0;
  }
  if (type === 'CAA') {
    // Linode keeps no CAA flags: every record it serves has 0.
    record.flags = 0;
    record.tag = r.tag ?? 'issue';
  }
  return record;
}

/** The body Linode takes for a record: the fields its type uses, SRV's name split in two. */
function toWire(spec: DnsRecordSpec) {
  const body: Record<string, unknown> = {
    type: spec.type,
    name: spec.name === '@' ? '' : spec.name,
    target: HOST_TYPES.has(spec.type) ? withoutDot(spec.value) : spec.value,
    ttl_sec: spec.ttl,
  };
  if (spec.type === 'MX' || spec.type === 'SRV') body.priority = spec.priority;
  if (spec.type === 'SRV') {
    const [service, protocol, ...rest] = spec.name.split('.');
    if (rest.length > 0)
      throw new ProviderError(
        'invalid',
        `Linode names an SRV record by its service and protocol only ("_sip._tcp"); "${spec.name}" has more labels.`,
      );
    Object.assign(body, {
      name: undefined,
      service: service?.replace(/^_/, ''),
      protocol: protocol?.replace(/^_/, ''),
      weight: spec.weight,
      port: spec.port,
    });
  }
  if (spec.type === 'CAA') {
    if ((spec.flags ?? 0) !== 0)
      throw new ProviderError('invalid', 'Linode keeps no CAA flags: leave them at 0 for a Linode zone.');
    body.tag = spec.tag;
  }
  return body;
}

const zonePath = (zoneId: string) => `/domains/${numericId(zoneId, 'Linode domain', 'not-found')}`;
const recordPath = (zoneId: string, id: string) =>
  `${zonePath(zoneId)}/records/${numericId(id, 'Linode domain record', 'not-found')}`;

export class LinodeDns implements DnsDriver {
  constructor(private readonly api: JsonApi) {}

  async listZones(): Promise<RemoteZone[]> {
    return (await collect(linodePages<LinodeWireDomain>(this.api, '/domains'))).map(toZone);
  }

  /** A master zone, its SOA naming the zone's own hostmaster (RFC 2142). */
  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const created = await this.api.request<LinodeWireDomain>('POST', '/domains', {
      body: { domain: spec.name, type: 'master', soa_email: `hostmaster@${spec.name}` },
    });
    return toZone(present(created, PROVIDER, 'domain'));
  }

  /** Linode deletes a domain with its records; Overcast checks for records before asking. */
  async deleteZone(zoneId: string): Promise<void> {
    await this.api.request('DELETE', zonePath(zoneId));
  }

  async listRecords(zoneId: string): Promise<RemoteRecord[]> {
    // The domain first: it names the apex and holds the TTL that records of TTL 0 take.
    const domain = await this.api.request<LinodeWireDomain>('GET', zonePath(zoneId));
    const zone = { name: domain?.domain, ttl: domain?.ttl_sec };
    const records = await collect(linodePages<LinodeWireRecord>(this.api, `${zonePath(zoneId)}/records`));
    return records.map((r) => toRecord(r, zone));
  }

  async createRecord(zoneId: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const created = await this.api.request<LinodeWireRecord>('POST', `${zonePath(zoneId)}/records`, {
      body: toWire(spec),
    });
    return toRecord(present(created, PROVIDER, 'domain record'));
  }

  /** Linode's PUT keeps a record's type, so a change of type is refused rather than dropped. */
  async updateRecord(zoneId: string, id: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const path = recordPath(zoneId, id);
    const current = await this.api.request<LinodeWireRecord>('GET', path);
    if (current?.type !== spec.type)
      throw new ProviderError(
        'invalid',
        `Linode cannot turn a ${current?.type ?? 'record'} record into a ${spec.type} record: delete it and add a new one.`,
      );
    const { type: _type, ...body } = toWire(spec);
    const updated = await this.api.request<LinodeWireRecord>('PUT', path, { body });
    return toRecord(present(updated, PROVIDER, 'domain record'));
  }

  async deleteRecord(zoneId: string, id: string): Promise<void> {
    await this.api.request('DELETE', recordPath(zoneId, id));
  }
}
