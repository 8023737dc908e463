import { randomUUID } from 'node:crypto';
import { DOMAIN, HOST, IPV4, IPV6ISH, RECORD_NAME } from '../common/dns-syntax';
import { isObject, isoSeconds } from '../common/token-api';
import { vultrError } from './errors';

// An account's domains and their records, as Vultr's /v2/domains keeps them: domains by name,
// records by UUID with names relative to the domain ("" is the apex), the priority of MX and SRV
// apart and the rest of their data in `data` (SRV: "weight port target"; CAA and TXT as zone-file
// text). A new domain comes with Vultr's two name servers.

export interface SimVultrRecord {
  id: string;
  type: string;
  name: string;
  data: string;
  priority: number;
  ttl: number;
}

export interface SimVultrDomain {
  domain: string;
  created: string;
  records: Map<string, SimVultrRecord>;
}

const TYPES = new Set(['A', 'AAAA', 'CNAME', 'NS', 'MX', 'SRV', 'TXT', 'CAA', 'SSHFP']);
const bad = (message: string) => vultrError(400, message);
const notFound = () => vultrError(404, 'Not found.');

export class VultrDomains {
  readonly domains = new Map<string, SimVultrDomain>();

  create(body: unknown): SimVultrDomain {
    const name = isObject(body) && typeof body.domain === 'string' ? body.domain.toLowerCase() : '';
    if (!DOMAIN.test(name)) throw bad('Invalid domain.');
    if (this.domains.has(name)) throw bad('Domain already exists.');
    const domain: SimVultrDomain = {
      domain: name,
      created: isoSeconds(Date.now(), '+00:00'),
      records: new Map(),
    };
    this.domains.set(name, domain);
    for (const ns of ['ns1.vultr.com', 'ns2.vultr.com'])
      this.insert(domain, { type: 'NS', name: '', data: ns });
    return domain;
  }

  get(name: string): SimVultrDomain {
    const domain = this.domains.get(name.toLowerCase());
    if (!domain) throw notFound();
    return domain;
  }

  /** Vultr deletes a domain with its records. */
  delete(name: string): void {
    if (!this.domains.delete(name.toLowerCase())) throw notFound();
  }

  record(domain: SimVultrDomain, id: string): SimVultrRecord {
    const record = domain.records.get(id);
    if (!record) throw notFound();
    return record;
  }

  insert(
    domain: SimVultrDomain,
    fields: Omit<SimVultrRecord, 'id' | 'priority' | 'ttl'> & Partial<SimVultrRecord>,
  ) {
    const record: SimVultrRecord = { id: randomUUID(), priority: -1, ttl: 300, ...fields };
    domain.records.set(record.id, record);
    return record;
  }

  createRecord(domain: SimVultrDomain, body: unknown): SimVultrRecord {
    if (!isObject(body)) throw bad('Invalid record.');
    const type = typeof body.type === 'string' ? body.type : '';
    if (!TYPES.has(type)) throw bad('Invalid record type.');
    return this.insert(domain, this.checked(type, body));
  }

  /** PATCH: the given fields over the record's, checked as a whole; the type stays what it was. */
  updateRecord(domain: SimVultrDomain, id: string, body: unknown): void {
    const record = this.record(domain, id);
    if (!isObject(body)) throw bad('Invalid record.');
    const given = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    Object.assign(record, this.checked(record.type, { ...record, ...given }));
  }

  deleteRecord(domain: SimVultrDomain, id: string): void {
    this.record(domain, id);
    domain.records.delete(id);
  }

  private checked(type: string, body: Record<string, unknown>) {
    const name = typeof body.name === 'string' ? body.name : '';
    if (!RECORD_NAME.test(name) || name.length > 253) throw bad('Invalid record name.');
    const data = typeof body.data === 'string' ? body.data : '';
    if (data === '') throw bad('Record data is required.');
    if (type === 'A' && !IPV4.test(data)) throw bad('Invalid IPv4 address.');
    if (type === 'AAAA' && !IPV6ISH.test(data)) throw bad('Invalid IPv6 address.');
    if (['CNAME', 'NS', 'MX'].includes(type) && !HOST.test(data)) throw bad(`Invalid ${type} record data.`);
    if (type === 'CNAME' && name === '') throw bad('CNAME records are not allowed at the root of a domain.');
    if (type === 'SRV' && !/^\d{1,5} \d{1,5} \S+$/.test(data))
      throw bad('SRV record data must be "weight port target".');
    if (type === 'CAA' && !/^\d{1,3} (issue|issuewild|iodef) "[^"]*"$/.test(data))
      throw bad('CAA record data must be "flags tag \\"value\\"".');
    const ttl = body.ttl === undefined || body.ttl === null ? 300 : body.ttl;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) throw bad('Invalid TTL.');
    let priority = -1;
    if (type === 'MX' || type === 'SRV') {
      const p = body.priority;
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65_535)
        throw bad('Priority is required for MX and SRV records and must be between 0 and 65535.');
      priority = p;
    }
    return { type, name, data, ttl, priority };
  }
}

export const domainJson = (d: SimVultrDomain) => ({
  domain: d.domain,
  date_created: d.created,
  dns_sec: 'disabled',
});
export const recordJson = (r: SimVultrRecord) => ({ ...r });
