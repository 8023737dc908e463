import { DOMAIN, HOST, IPV4, IPV6ISH, RECORD_NAME } from '../common/dns-syntax';
import { ApiError, isObject, isoSeconds } from '../common/token-api';
import { fieldError, type LinodeIds } from './shared';

// An account's domains and their records, as Linode's /v4/domains keeps them: numeric ids from
// the emulator's one sequence, names relative to the domain ("" is the apex), host targets
// without the trailing dot, TTLs rounded to the values Linode serves. The SOA and Linode's own
// name servers are implicit, as on Linode: a new domain lists no records.

export interface SimLinodeRecord {
  id: number;
  type: string;
  name: string;
  target: string;
  priority: number;
  weight: number;
  port: number;
  service: string | null;
  protocol: string | null;
  ttl_sec: number;
  tag: string | null;
  created: string;
  updated: string;
}

export interface SimLinodeDomain {
  id: number;
  domain: string;
  soaEmail: string;
  ttlSec: number;
  created: string;
  records: Map<number, SimLinodeRecord>;
}

const TYPES = new Set(['A', 'AAAA', 'NS', 'MX', 'CNAME', 'TXT', 'SRV', 'PTR', 'CAA']);
/** The TTLs Linode serves; any other is rounded to the nearest of them (0 is the domain's default). */
const TTLS = [
  0, 30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200,
];
const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,253}$/;
const notFound = () => new ApiError(404, 'not_found', 'Not found');

const roundTtl = (ttl: number) =>
  TTLS.reduce((best, t) => (Math.abs(t - ttl) < Math.abs(best - ttl) ? t : best), TTLS[0]!);

function whole(body: Record<string, unknown>, field: string, max: number, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
    throw fieldError(field, `Must be between 0 and ${max}`);
  return v;
}

const text = (body: Record<string, unknown>, field: string): string | null => {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw fieldError(field, 'Must be a string');
  return v;
};

export class LinodeDomains {
  readonly domains = new Map<number, SimLinodeDomain>();

  constructor(private readonly ids: LinodeIds) {}

  list(): SimLinodeDomain[] {
    return [...this.domains.values()];
  }

  /** POST /domains: a master domain needs its SOA email; names are unique across the account. */
  create(body: unknown): SimLinodeDomain {
    if (!isObject(body)) throw fieldError(null, 'Request body must be an object');
    const name = text(body, 'domain')?.toLowerCase() ?? '';
    if (!DOMAIN.test(name)) throw fieldError('domain', 'Domain is not valid');
    if ((text(body, 'type') ?? 'master') !== 'master')
      throw fieldError('type', 'Only master domains are supported');
    const soaEmail = text(body, 'soa_email') ?? '';
    if (!EMAIL.test(soaEmail)) throw fieldError('soa_email', 'soa_email is required for master domains');
    if (this.list().some((d) => d.domain === name)) throw fieldError('domain', 'Domain already exists');
    const domain: SimLinodeDomain = {
      id: this.ids.next(),
      domain: name,
      soaEmail,
      ttlSec: roundTtl(whole(body, 'ttl_sec', 2_419_200, 0)),
      created: isoSeconds(Date.now(), ''),
      records: new Map(),
    };
    this.domains.set(domain.id, domain);
    return domain;
  }

  get(id: number): SimLinodeDomain {
    const domain = this.domains.get(id);
    if (!domain) throw notFound();
    return domain;
  }

  /** Linode deletes a domain with its records. */
  delete(id: number): void {
    if (!this.domains.delete(id)) throw notFound();
  }

  record(domain: SimLinodeDomain, id: number): SimLinodeRecord {
    const record = domain.records.get(id);
    if (!record) throw notFound();
    return record;
  }

  createRecord(domain: SimLinodeDomain, body: unknown): SimLinodeRecord {
    if (!isObject(body)) throw fieldError(null, 'Request body must be an object');
    const type = text(body, 'type') ?? '';
    if (!TYPES.has(type)) throw fieldError('type', 'type is required and must be a valid record type');
    const now = isoSeconds(Date.now(), '');
    const record = { id: this.ids.next(), created: now, updated: now, ...this.checked(type, body) };
    domain.records.set(record.id, record);
    return record;
  }

  /** PUT: the given fields over the record's, checked as a whole; the type stays what it was. */
  updateRecord(domain: SimLinodeDomain, id: number, body: unknown): SimLinodeRecord {
    const record = this.record(domain, id);
    if (!isObject(body)) throw fieldError(null, 'Request body must be an object');
    const given = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    Object.assign(record, this.checked(record.type, { ...record, ...given }), {
      updated: isoSeconds(Date.now(), ''),
    });
    return record;
  }

  deleteRecord(domain: SimLinodeDomain, id: number): void {
    this.record(domain, id);
    domain.records.delete(id);
  }

  /** A record's fields, checked the way Linode checks them, each refusal naming its field. */
  private checked(type: string, body: Record<string, unknown>) {
    const target = text(body, 'target') ?? '';
    if (target === '') throw fieldError('target', 'target is required');
    let name = text(body, 'name') ?? '';
    if (type === 'A' && !IPV4.test(target)) throw fieldError('target', 'Must be a valid IPv4 address');
    if (type === 'AAAA' && !IPV6ISH.test(target)) throw fieldError('target', 'Must be a valid IPv6 address');
    if (['CNAME', 'MX', 'NS', 'SRV'].includes(type) && !HOST.test(target))
      throw fieldError('target', 'Must be a valid hostname');
    if (type === 'TXT' && target.length > 65_535)
      throw fieldError('target', 'Length must be 0-65535 characters');
    if (type === 'CNAME' && name === '')
      throw fieldError('name', 'CNAME records cannot be created at the zone apex');
    let service: string | null = null;
    let protocol: string | null = null;
    if (type === 'SRV') {
      // Linode names an SRV record by its service and protocol, each given without the underscore.
      service = (text(body, 'service') ?? '').replace(/^_/, '');
      protocol = (text(body, 'protocol') ?? '').replace(/^_/, '');
      if (!/^[A-Za-z0-9-]{1,63}$/.test(service))
        throw fieldError('service', 'service is required for SRV records');
      if (!/^[A-Za-z0-9-]{1,63}$/.test(protocol))
        throw fieldError('protocol', 'protocol is required for SRV records');
      name = `_${service}._${protocol}`;
    } else if (!RECORD_NAME.test(name) || name.length > 100) {
      throw fieldError('name', 'Must be a valid hostname');
    }
    const tag = type === 'CAA' ? text(body, 'tag') : null;
    if (type === 'CAA' && !['issue', 'issuewild', 'iodef'].includes(tag ?? ''))
      throw fieldError('tag', 'tag must be one of issue, issuewild, iodef');
    return {
      type,
      name,
      target: target.endsWith('.') ? target.slice(0, -1) : target,
      priority: type === 'MX' || type === 'SRV' ? whole(body, 'priority', 255, 0) : 0,
      weight: type === 'SRV' ? whole(body, 'weight', 65_535, 0) : 0,
      port: type === 'SRV' ? whole(body, 'port', 65_535, 0) : 0,
      service,
      protocol,
      ttl_sec: roundTtl(whole(body, 'ttl_sec', 2_419_200, 0)),
      tag,
    };
  }
}

export const domainJson = (d: SimLinodeDomain) => ({
  id: d.id,
  type: 'master',
  domain: d.domain,
  tags: [],
  group: '',
  status: 'active',
  description: '',
  soa_email: d.soaEmail,
  retry_sec: 0,
  master_ips: [],
  axfr_ips: [],
  expire_sec: 0,
  refresh_sec: 0,
  ttl_sec: d.ttlSec,
  created: d.created,
  updated: d.created,
});

export const recordJson = (r: SimLinodeRecord) => ({ ...r });
