import { IPV4, RECORD_TYPES as TYPES } from '../common/dns-syntax';
import { GceApiError } from './errors';

// Cloud DNS (dns/v1) of one project: managed zones, their record sets, and changes, which add
// and delete whole record sets at once; a deletion must match the set as it is.

export interface CloudDnsRrset {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

export interface CloudDnsZone {
  name: string;
  dnsName: string;
  id: string;
  description: string;
  creationTime: string;
  rrsets: Map<string, CloudDnsRrset>;
}

const dnsError = (code: number, reason: string, message: string, status: string) =>
  new GceApiError(code, reason, message, status);

const key = (name: string, type: string) => `${name.toLowerCase()} ${type}`;
let nextId = 7_000_000_000_000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readRrset(raw: unknown, where: string): CloudDnsRrset {
  if (!isObject(raw)) throw dnsError(400, 'invalid', `Invalid value for '${where}'`, 'INVALID_ARGUMENT');
  const { name, type, ttl, rrdatas } = raw;
  if (typeof name !== 'string' || !name.endsWith('.'))
    throw dnsError(
      400,
      'invalid',
      `Invalid value for '${where}.name': '${String(name)}'`,
      'INVALID_ARGUMENT',
    );
  if (typeof type !== 'string' || !TYPES.has(type))
    throw dnsError(
      400,
      'invalid',
      `Invalid value for '${where}.type': '${String(type)}'`,
      'INVALID_ARGUMENT',
    );
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0)
    throw dnsError(400, 'invalid', `Invalid value for '${where}.ttl': '${String(ttl)}'`, 'INVALID_ARGUMENT');
  if (!Array.isArray(rrdatas) || rrdatas.length === 0 || !rrdatas.every((d) => typeof d === 'string'))
    throw dnsError(
      400,
      'invalid',
      `The resource record set '${where}' must have at least one rrdata.`,
      'INVALID_ARGUMENT',
    );
  for (const d of rrdatas as string[]) {
    if (type === 'A' && !IPV4.test(d))
      throw dnsError(
        400,
        'invalidRecordData',
        `The resource record data '${d}' is invalid for the record type 'A'.`,
        'INVALID_ARGUMENT',
      );
    if (['CNAME', 'NS'].includes(type) && !d.endsWith('.'))
      throw dnsError(
        400,
        'invalidRecordData',
        `The resource record data '${d}' must be a fully qualified domain name.`,
        'INVALID_ARGUMENT',
      );
  }
  return { name: name.toLowerCase(), type, ttl, rrdatas: [...(rrdatas as string[])] };
}

const ZONE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$/;

export class CloudDnsProject {
  readonly zones = new Map<string, CloudDnsZone>();
  private changeIds = new Map<string, number>();

  createZone(name: string, dnsName: string): CloudDnsZone {
    const apex = dnsName.endsWith('.') ? dnsName : `${dnsName}.`;
    const zone: CloudDnsZone = {
      name,
      dnsName: apex,
      id: String(++nextId),
      description: '',
      creationTime: new Date().toISOString(),
      rrsets: new Map(),
    };
    const ns = [1, 2, 3, 4].map((i) => `ns-cloud-a${i}.googledomains.com.`);
    zone.rrsets.set(key(apex, 'NS'), { name: apex, type: 'NS', ttl: 21600, rrdatas: ns });
    zone.rrsets.set(key(apex, 'SOA'), {
      name: apex,
      type: 'SOA',
      ttl: 21600,
      rrdatas: [`${ns[0]} cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300`],
    });
    this.zones.set(name, zone);
    this.changeIds.set(name, 0);
    return zone;
  }

  /** managedZones.insert: a valid name not yet used, a dnsName with its trailing dot. */
  insertZone(body: unknown): CloudDnsZone {
    if (!isObject(body))
      throw dnsError(400, 'invalid', 'The managed zone is not an object.', 'INVALID_ARGUMENT');
    const { name, dnsName, description } = body;
    const invalid = (field: string, value: unknown) =>
      dnsError(
        400,
        'invalid',
        `Invalid value for 'entity.managedZone.${field}': '${String(value).slice(0, 300)}'`,
        'INVALID_ARGUMENT',
      );
    if (typeof name !== 'string' || !ZONE_NAME.test(name)) throw invalid('name', name);
    if (typeof dnsName !== 'string' || dnsName.length > 254 || !DNS_NAME.test(dnsName.toLowerCase()))
      throw invalid('dnsName', dnsName);
    if (typeof description !== 'string' || description.length > 1024)
      throw dnsError(
        400,
        'required',
        "Required value 'entity.managedZone.description' not specified.",
        'INVALID_ARGUMENT',
      );
    if (this.zones.has(name))
      throw dnsError(
        409,
        'alreadyExists',
        `The resource 'entity.managedZone' named '${name}' already exists`,
        'ALREADY_EXISTS',
      );
    const zone = this.createZone(name, dnsName.toLowerCase());
    zone.description = description;
    return zone;
  }

  /** managedZones.delete: refused while the zone holds sets besides its SOA and apex NS. */
  deleteZone(name: string): void {
    const zone = this.zone(name);
    const extra = [...zone.rrsets.values()].some(
      (s) => s.type !== 'SOA' && !(s.type === 'NS' && s.name === zone.dnsName),
    );
    if (extra)
      throw dnsError(
        400,
        'containerNotEmpty',
        `The resource named '${name}' cannot be deleted because it is not empty`,
        'FAILED_PRECONDITION',
      );
    this.zones.delete(name);
    this.changeIds.delete(name);
  }

  zone(name: string): CloudDnsZone {
    const zone = this.zones.get(name);
    if (!zone)
      throw dnsError(
        404,
        'notFound',
        `The 'parameters.managedZone' resource named '${name}' does not exist.`,
        'NOT_FOUND',
      );
    return zone;
  }

  put(zone: CloudDnsZone, set: CloudDnsRrset): void {
    zone.rrsets.set(key(set.name, set.type), { ...set, name: set.name.toLowerCase() });
  }

  sorted(zone: CloudDnsZone): CloudDnsRrset[] {
    return [...zone.rrsets.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type),
    );
  }

  /** A change: deletions must match exactly, additions must not exist after them; all or nothing. */
  change(zone: CloudDnsZone, body: unknown) {
    if (!isObject(body)) throw dnsError(400, 'invalid', 'The change is not an object.', 'INVALID_ARGUMENT');
    const additions = Array.isArray(body.additions)
      ? body.additions.map((r, i) => readRrset(r, `change.additions[${i}]`))
      : [];
    const deletions = Array.isArray(body.deletions)
      ? body.deletions.map((r, i) => readRrset(r, `change.deletions[${i}]`))
      : [];
    if (additions.length + deletions.length === 0)
      throw dnsError(400, 'required', 'The change must have additions or deletions.', 'INVALID_ARGUMENT');
    const next = new Map(zone.rrsets);
    for (const d of deletions) {
      const have = next.get(key(d.name, d.type));
      if (
        !have ||
        have.ttl !== d.ttl ||
        [...have.rrdatas].sort().join('\n') !== [...d.rrdatas].sort().join('\n')
      )
        throw dnsError(
          412,
          'conditionNotMet',
          `The resource 'entity.change.deletions[${d.name}][${d.type}]' does not match the current record set.`,
          'FAILED_PRECONDITION',
        );
      next.delete(key(d.name, d.type));
    }
    for (const a of additions) {
      if (a.name !== zone.dnsName && !a.name.endsWith(`.${zone.dnsName}`))
        throw dnsError(
          400,
          'invalid',
          `The resource record set name '${a.name}' is not in the zone '${zone.dnsName}'.`,
          'INVALID_ARGUMENT',
        );
      if (next.has(key(a.name, a.type)))
        throw dnsError(
          409,
          'alreadyExists',
          `The resource 'entity.change.additions[${a.name}][${a.type}]' named '${a.name} (${a.type})' already exists`,
          'ALREADY_EXISTS',
        );
      if (a.type === 'CNAME' && a.name === zone.dnsName)
        throw dnsError(
          400,
          'invalid',
          `A CNAME record may not be at the zone apex '${a.name}'.`,
          'INVALID_ARGUMENT',
        );
      const clash = [...next.values()].some(
        (s) => s.name === a.name && (s.type === 'CNAME') !== (a.type === 'CNAME'),
      );
      if (clash)
        throw dnsError(
          400,
          'cnameResourceRecordSetConflict',
          `The resource record set 'entity.change.additions[${a.name}][${a.type}]' is invalid because a CNAME must be the only record at its name.`,
          'INVALID_ARGUMENT',
        );
      next.set(key(a.name, a.type), a);
    }
    zone.rrsets.clear();
    for (const [k, s] of next) zone.rrsets.set(k, s);
    const id = (this.changeIds.get(zone.name) ?? 0) + 1;
    this.changeIds.set(zone.name, id);
    return {
      kind: 'dns#change',
      id: String(id),
      status: 'done',
      startTime: new Date().toISOString(),
      additions,
      deletions,
    };
  }
}

export const zoneJson = (z: CloudDnsZone) => ({
  kind: 'dns#managedZone',
  name: z.name,
  dnsName: z.dnsName,
  id: z.id,
  description: z.description,
  creationTime: z.creationTime,
  visibility: 'public',
  nameServers: z.rrsets.get(key(z.dnsName, 'NS'))?.rrdatas ?? [],
});

export const rrsetJson = (s: CloudDnsRrset) => ({ kind: 'dns#resourceRecordSet', ...s });
