import { notFound, unprocessable } from './errors';

// An account's domains and their records, as DigitalOcean's /v2/domains keeps them: records by
// numeric id, SOA and NS made with the domain, host targets stored absolute (with the dot).

export interface SimDomainRecord {
  id: number;
  type: string;
  name: string;
  data: string;
  priority: number | null;
  port: number | null;
  ttl: number;
  weight: number | null;
  flags: number | null;
  tag: string | null;
}

export interface SimDomain {
  name: string;
  ttl: number;
  records: Map<number, SimDomainRecord>;
}

const TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'SOA', 'SRV', 'TXT']);
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

let nextRecordId = 300_000_000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const intOrNull = (v: unknown, field: string): number | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535)
    throw unprocessable(`${field} must be an integer between 0 and 65535.`);
  return v;
};

export class DoDomains {
  readonly domains = new Map<string, SimDomain>();

  /** A domain as DigitalOcean makes it: the SOA and its three name servers, plus an apex A when an address is given. */
  create(body: unknown): SimDomain {
    if (!isObject(body) || typeof body.name !== 'string') throw unprocessable('Name is invalid.');
    const name = body.name.toLowerCase();
    if (!DOMAIN.test(name)) throw unprocessable('Name is invalid.');
    if (this.domains.has(name)) throw unprocessable('Name already exists.');
    const domain: SimDomain = { name, ttl: 1800, records: new Map() };
    this.domains.set(name, domain);
    this.insert(domain, { type: 'SOA', name: '@', data: '1800', ttl: 1800 });
    for (const ns of ['ns1', 'ns2', 'ns3'])
      this.insert(domain, { type: 'NS', name: '@', data: `${ns}.digitalocean.com`, ttl: 1800 });
    if (typeof body.ip_address === 'string' && IPV4.test(body.ip_address))
      this.insert(domain, { type: 'A', name: '@', data: body.ip_address, ttl: 1800 });
    return domain;
  }

  get(name: string): SimDomain {
    const domain = this.domains.get(name.toLowerCase());
    if (!domain) throw notFound();
    return domain;
  }

  delete(name: string): void {
    if (!this.domains.delete(name.toLowerCase())) throw notFound();
  }

  record(domain: SimDomain, id: number): SimDomainRecord {
    const record = domain.records.get(id);
    if (!record) throw notFound();
    return record;
  }

  insert(
    domain: SimDomain,
    fields: Partial<SimDomainRecord> & Pick<SimDomainRecord, 'type' | 'name' | 'data'>,
  ) {
    const record: SimDomainRecord = {
      id: ++nextRecordId,
      priority: null,
      port: null,
      weight: null,
      flags: null,
      tag: null,
      ttl: 1800,
      ...fields,
    };
    domain.records.set(record.id, record);
    return record;
  }

  /** POST: the record checked the way DigitalOcean checks it, with its 422 words. */
  createRecord(domain: SimDomain, body: unknown): SimDomainRecord {
    return this.insert(domain, this.checked(body));
  }

  /** PUT/PATCH: the given fields over the record's, checked as a whole. */
  updateRecord(domain: SimDomain, id: number, body: unknown): SimDomainRecord {
    const record = this.record(domain, id);
    if (!isObject(body)) throw unprocessable('The request body is not a record.');
    if (record.type === 'SOA') throw unprocessable('SOA records can only have their TTL changed.');
    const merged = {
      ...record,
      ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
    };
    const fields = this.checked(merged);
    Object.assign(record, fields);
    return record;
  }

  deleteRecord(domain: SimDomain, id: number): void {
    const record = this.record(domain, id);
    if (record.type === 'SOA') throw unprocessable('SOA records cannot be deleted.');
    domain.records.delete(id);
  }

  private checked(body: unknown): Omit<SimDomainRecord, 'id'> {
    if (!isObject(body)) throw unprocessable('The request body is not a record.');
    const type = typeof body.type === 'string' ? body.type.toUpperCase() : '';
    if (!TYPES.has(type) || type === 'SOA') throw unprocessable('Type is not a supported record type.');
    const name = typeof body.name === 'string' ? body.name : '';
    if (name === '' || !/^(@|[A-Za-z0-9_*.-]{1,253})$/.test(name)) throw unprocessable('Name is invalid.');
    const data = typeof body.data === 'string' ? body.data : '';
    if (data === '') throw unprocessable('Data needs to be present.');
    const ttl = body.ttl === undefined || body.ttl === null ? 1800 : body.ttl;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 30)
      throw unprocessable('TTL must be an integer of at least 30 seconds.');
    if (type === 'A' && !IPV4.test(data))
      throw unprocessable('IP address did not match IPv4 format (e.g. 127.0.0.1).');
    if (type === 'AAAA' && !/^[0-9a-fA-F:]+$/.test(data))
      throw unprocessable('IP address did not match IPv6 format (e.g. 2001:db8::1).');
    if (['CNAME', 'MX', 'NS', 'SRV'].includes(type) && data !== '@' && !data.endsWith('.'))
      throw unprocessable('Data needs to end with a dot (.)');
    if (type === 'CNAME' && name === '@') throw unprocessable('CNAME records cannot be created at the apex.');
    const priority = intOrNull(body.priority, 'Priority');
    const weight = intOrNull(body.weight, 'Weight');
    const port = intOrNull(body.port, 'Port');
    if ((type === 'MX' || type === 'SRV') && priority === null)
      throw unprocessable('Priority needs to be present.');
    if (type === 'SRV' && (weight === null || port === null))
      throw unprocessable('Weight and port need to be present for SRV records.');
    const tag = typeof body.tag === 'string' ? body.tag : null;
    if (type === 'CAA' && !['issue', 'issuewild', 'iodef'].includes(tag ?? ''))
      throw unprocessable('Tag must be one of issue, issuewild or iodef.');
    return {
      type,
      name,
      data,
      ttl,
      priority,
      weight,
      port,
      flags: type === 'CAA' ? (intOrNull(body.flags, 'Flags') ?? 0) : null,
      tag: type === 'CAA' ? tag : null,
    };
  }
}

/** A zone file of the domain, as DigitalOcean shows it in `zone_file`. */
export function zoneFile(domain: SimDomain): string {
  const lines = [`$ORIGIN ${domain.name}.`, `$TTL ${domain.ttl}`];
  for (const r of domain.records.values()) {
    const owner = r.name === '@' ? `${domain.name}.` : `${r.name}.${domain.name}.`;
    const rdata =
      r.type === 'SOA'
        ? `ns1.digitalocean.com. hostmaster.${domain.name}. 1 10800 3600 604800 1800`
        : [r.priority, r.weight, r.port].filter((n) => n !== null).join(' ') +
          (r.priority === null ? '' : ' ') +
          r.data;
    lines.push(`${owner} ${r.ttl} IN ${r.type} ${rdata}`);
  }
  return `${lines.join('\n')}\n`;
}

export const domainJson = (d: SimDomain) => ({ name: d.name, ttl: d.ttl, zone_file: zoneFile(d) });
export const recordJson = (r: SimDomainRecord) => ({ ...r });
