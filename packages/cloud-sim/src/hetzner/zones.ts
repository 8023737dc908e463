// A project's DNS zones (/v1/zones) and their record sets (/v1/zones/{id_or_name}/rrsets), with
// Hetzner's checks: a zone is made with its SOA and NS sets, record sets are keyed by name and
// type and change only in primary zones (`incorrect_zone_mode`), each value is checked for its
// type, TXT values must be quoted. Changes take effect at once, so their actions end at once.

import { DOMAIN, HOST, IPV4, IPV6ISH, RECORD_NAME } from '../common/dns-syntax';
import { ApiError, isObject, isoSeconds } from '../common/token-api';

export interface SimHzRecord {
  value: string;
  comment: string;
}

export interface SimHzRrset {
  /** Relative to the zone; "@" is the apex. */
  name: string;
  type: string;
  ttl: number | null;
  records: SimHzRecord[];
}

export interface SimHzZone {
  id: number;
  name: string;
  mode: 'primary' | 'secondary';
  ttl: number;
  created: string;
  /** Keyed `name/type`, as Hetzner names a record set. */
  rrsets: Map<string, SimHzRrset>;
}

/** What the zones need of their project: ids and actions (of type A). */
export interface HzZoneHost<A> {
  nextId(): number;
  action(command: string, resources: Array<{ id: number; type: 'zone' }>): A;
}

export const ZONE_RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HINFO',
  'HTTPS',
  'MX',
  'NS',
  'PTR',
  'RP',
  'SOA',
  'SRV',
  'SVCB',
  'TLSA',
  'TXT',
] as const;
const TYPES: ReadonlySet<string> = new Set(ZONE_RECORD_TYPES);
/** Hetzner's own name servers, which every primary zone is made with. */
export const HETZNER_NAMESERVERS = [
  'hydrogen.ns.hetzner.com.',
  'oxygen.ns.hetzner.com.',
  'helium.ns.hetzner.de.',
];

/** Hetzner's `invalid_input`: the message names the field, `details.fields` say what is wrong. */
export class HzInputError extends ApiError {
  readonly details: { fields: Array<{ name: string; messages: string[] }> };
  constructor(field: string, problem: string) {
    super(400, 'invalid_input', `invalid input in field '${field}'`);
    this.details = { fields: [{ name: field, messages: [problem] }] };
  }
}

const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
const key = (name: string, type: string) => `${name}/${type}`;

const HOST_VALUE = (v: string) => v.endsWith('.') && HOST.test(v);
const u16 = (w: string | undefined) => !!w && /^\d{1,5}$/.test(w) && Number(w) <= 65535;
/** One quoted character-string of at most 255 characters, escapes allowed. */
const QUOTED = /^"((?:[^"\\]|\\.){0,255})"$/;

/** What is wrong with one value of a type, in Hetzner's words, or null. */
function valueProblem(type: string, value: string): string | null {
  const w = value.trim().split(/\s+/);
  switch (type) {
    case 'A':
      return IPV4.test(value) ? null : 'must be a valid IPv4 address';
    case 'AAAA':
      return IPV6ISH.test(value) && value.includes(':') ? null : 'must be a valid IPv6 address';
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return HOST_VALUE(value) ? null : 'must be a fully qualified domain name ending with a dot';
    case 'MX':
      return w.length === 2 && u16(w[0]) && HOST_VALUE(w[1]!)
        ? null
        : 'must be "<priority> <fully qualified host name>"';
    case 'SRV':
      return w.length === 4 && u16(w[0]) && u16(w[1]) && u16(w[2]) && HOST_VALUE(w[3]!)
        ? null
        : 'must be "<priority> <weight> <port> <fully qualified target>"';
    case 'CAA':
      return w.length >= 3 && /^\d{1,3}$/.test(w[0]!) && Number(w[0]) <= 255 && /^[a-z0-9]+$/i.test(w[1]!)
        ? QUOTED.test(w.slice(2).join(' '))
          ? null
          : 'CAA value must be quoted'
        : 'must be "<flags> <tag> \\"<value>\\""';
    case 'TXT': {
      const parts = value.match(/"(?:[^"\\]|\\.)*"/g);
      return parts && parts.join(' ') === value.trim() && parts.every((p) => QUOTED.test(p))
        ? null
        : 'TXT value must consist of one or more quoted strings of at most 255 characters';
    }
    default:
      return value.length > 0 && value.length <= 4096 ? null : 'must not be empty';
  }
}

function readTtl(raw: unknown, field = 'ttl'): number | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 60 || raw > 2_147_483_647)
    throw new HzInputError(field, 'must be an integer between 60 and 2147483647');
  return raw;
}

function readRecords(type: string, raw: unknown): SimHzRecord[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new HzInputError('records', 'must not be empty');
  const records = raw.map((r) => {
    if (!isObject(r) || typeof r.value !== 'string') throw new HzInputError('records', 'value is required');
    const problem = valueProblem(type, r.value);
    if (problem) throw new HzInputError('records', problem);
    const comment = r.comment ?? '';
    if (typeof comment !== 'string' || comment.length > 255)
      throw new HzInputError('records', 'comment must be a string of at most 255 characters');
    return { value: r.value, comment };
  });
  if (new Set(records.map((r) => r.value)).size !== records.length)
    throw new HzInputError('records', 'must not contain duplicate values');
  return records;
}

export class HzZones<A> {
  readonly zones = new Map<number, SimHzZone>();

  constructor(private readonly host: HzZoneHost<A>) {}

  /** A zone by its id or its name, as Hetzner's paths take either. */
  zone(idOrName: string): SimHzZone {
    const byId = /^\d{1,15}$/.test(idOrName) ? this.zones.get(Number(idOrName)) : undefined;
    const zone = byId ?? [...this.zones.values()].find((z) => z.name === idOrName.toLowerCase());
    if (!zone) throw notFound('zone');
    return zone;
  }

  createZone(body: unknown): { zone: SimHzZone; action: A } {
    if (!isObject(body)) throw new HzInputError('name', 'is required');
    const name = typeof body.name === 'string' ? body.name.toLowerCase() : '';
    if (!DOMAIN.test(name)) throw new HzInputError('name', 'must be a valid domain name');
    const mode = body.mode ?? 'primary';
    if (mode !== 'primary' && mode !== 'secondary')
      throw new HzInputError('mode', 'must be one of primary, secondary');
    const ttl = readTtl(body.ttl) ?? 3600;
    if ([...this.zones.values()].some((z) => z.name === name))
      throw new ApiError(409, 'uniqueness_error', 'zone name is already used');
    const id = this.host.nextId();
    const zone: SimHzZone = {
      id,
      name,
      mode,
      ttl,
      created: isoSeconds(Date.now(), '+00:00'),
      rrsets: new Map(),
    };
    if (mode === 'primary') {
      const soa = `${HETZNER_NAMESERVERS[0]} dns.hetzner.com. 1 86400 10800 3600000 3600`;
      zone.rrsets.set(key('@', 'SOA'), {
        name: '@',
        type: 'SOA',
        ttl: null,
        records: [{ value: soa, comment: '' }],
      });
      zone.rrsets.set(key('@', 'NS'), {
        name: '@',
        type: 'NS',
        ttl: null,
        records: HETZNER_NAMESERVERS.map((value) => ({ value, comment: '' })),
      });
    }
    this.zones.set(id, zone);
    return { zone, action: this.host.action('create_zone', [{ id, type: 'zone' }]) };
  }

  deleteZone(idOrName: string): A {
    const zone = this.zone(idOrName);
    this.zones.delete(zone.id);
    return this.host.action('delete_zone', [{ id: zone.id, type: 'zone' }]);
  }

  /** The zone's record sets, SOA first, then by name and type; `name` and `type` filter. */
  rrsets(idOrName: string, filter: { name?: string | null; type?: string | null } = {}): SimHzRrset[] {
    return [...this.zone(idOrName).rrsets.values()]
      .filter((s) => (!filter.name || s.name === filter.name) && (!filter.type || s.type === filter.type))
      .sort((a, b) => (a.type === 'SOA' ? -1 : b.type === 'SOA' ? 1 : 0));
  }

  rrset(idOrName: string, name: string, type: string): SimHzRrset {
    const set = this.zone(idOrName).rrsets.get(key(name, type));
    if (!set) throw notFound('rrset');
    return set;
  }

  createRrset(idOrName: string, body: unknown): { rrset: SimHzRrset; action: A } {
    const zone = this.primary(idOrName);
    if (!isObject(body)) throw new HzInputError('name', 'is required');
    const name = typeof body.name === 'string' ? body.name : '';
    if (name !== '@' && !RECORD_NAME.test(name.toLowerCase()))
      throw new HzInputError('name', 'must be "@" or a valid relative record name');
    const type = typeof body.type === 'string' ? body.type : '';
    if (!TYPES.has(type) || type === 'SOA')
      throw new HzInputError(
        'type',
        `must be one of ${ZONE_RECORD_TYPES.filter((t) => t !== 'SOA').join(', ')}`,
      );
    const ttl = readTtl(body.ttl);
    const records = readRecords(type, body.records);
    if (zone.rrsets.has(key(name.toLowerCase(), type)))
      throw new ApiError(409, 'uniqueness_error', 'rrset with the same name and type already exists');
    if (type === 'CNAME' && [...zone.rrsets.values()].some((s) => s.name === name.toLowerCase()))
      throw new HzInputError('type', 'a CNAME record set cannot share its name with other record sets');
    const rrset = { name: name.toLowerCase(), type, ttl, records };
    zone.rrsets.set(key(rrset.name, type), rrset);
    return { rrset, action: this.changed(zone, 'create_rrset') };
  }

  deleteRrset(idOrName: string, name: string, type: string): A {
    const zone = this.primary(idOrName);
    const set = this.rrset(idOrName, name, type);
    if (set.type === 'SOA' || (set.type === 'NS' && set.name === '@'))
      throw new ApiError(422, 'invalid_input', "the zone's own SOA and NS record sets cannot be deleted");
    zone.rrsets.delete(key(name, type));
    return this.changed(zone, 'delete_rrset');
  }

  /** The rrset actions: `set_records`, `add_records`, `remove_records`, `change_ttl`. */
  rrsetAction(idOrName: string, name: string, type: string, command: string, body: unknown): A {
    const zone = this.primary(idOrName);
    const b = isObject(body) ? body : {};
    const existing = zone.rrsets.get(key(name, type));
    switch (command) {
      case 'set_records': {
        const set = existing ?? this.rrset(idOrName, name, type);
        set.records = readRecords(type, b.records);
        break;
      }
      case 'change_ttl': {
        const set = existing ?? this.rrset(idOrName, name, type);
        set.ttl = readTtl(b.ttl);
        break;
      }
      case 'add_records': {
        // Hetzner makes the set when it does not exist yet.
        const records = readRecords(type, b.records);
        if (!existing) return this.createRrset(idOrName, { name, type, ttl: b.ttl, records }).action;
        const have = new Set(existing.records.map((r) => r.value));
        existing.records.push(...records.filter((r) => !have.has(r.value)));
        if (b.ttl !== undefined) existing.ttl = readTtl(b.ttl);
        break;
      }
      case 'remove_records': {
        const set = existing ?? this.rrset(idOrName, name, type);
        const gone = new Set(readRecords(type, b.records).map((r) => r.value));
        set.records = set.records.filter((r) => !gone.has(r.value));
        // A set left without records is deleted, as Hetzner does.
        if (set.records.length === 0) zone.rrsets.delete(key(name, type));
        break;
      }
      default:
        throw notFound('action');
    }
    return this.changed(zone, command);
  }

  private primary(idOrName: string): SimHzZone {
    const zone = this.zone(idOrName);
    if (zone.mode !== 'primary')
      throw new ApiError(422, 'incorrect_zone_mode', "This operation is not supported for this Zone's mode");
    return zone;
  }

  /** Bumps the SOA serial, as every change of a primary zone does. */
  private changed(zone: SimHzZone, command: string): A {
    const soa = zone.rrsets.get(key('@', 'SOA'))?.records[0];
    if (soa) {
      const w = soa.value.split(' ');
      w[2] = String(Number(w[2]) + 1);
      soa.value = w.join(' ');
    }
    return this.host.action(command, [{ id: zone.id, type: 'zone' }]);
  }
}
