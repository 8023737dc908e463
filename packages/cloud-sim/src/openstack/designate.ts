// Designate (OpenStack DNS, API v2) as a project keeps it: zones with their SOA and NS record sets,
// and record sets of zone-file text under absolute names. Designate is asynchronous: a zone or
// record set it is asked to change answers at once as PENDING (with the action: CREATE, UPDATE or
// DELETE) and becomes ACTIVE, or goes, once its change reaches the name servers (`delayMs` later
// here). Refusals carry Designate's `{ code, type, message }`.

import { randomUUID } from 'node:crypto';
import type { Timeline } from '../common/timeline';

export class DesignateError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  body(): unknown {
    return { code: this.status, type: this.type, message: this.message, request_id: `req-${randomUUID()}` };
  }
}

type Status = 'PENDING' | 'ACTIVE';
type Action = 'CREATE' | 'UPDATE' | 'DELETE' | 'NONE';

export interface SimRecordset {
  id: string;
  zoneId: string;
  /** Absolute, with the trailing dot. */
  name: string;
  type: string;
  records: string[];
  ttl: number | null;
  description: string | null;
  status: Status;
  action: Action;
  version: number;
  createdAt: string;
  updatedAt: string | null;
}

export interface SimZone {
  id: string;
  /** Absolute, with the trailing dot. */
  name: string;
  email: string;
  ttl: number;
  serial: number;
  description: string | null;
  status: Status;
  action: Action;
  version: number;
  createdAt: string;
  updatedAt: string | null;
  recordsets: Map<string, SimRecordset>;
}

/** The types Designate's default configuration serves. */
export const DESIGNATE_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'SRV',
  'TXT',
  'SPF',
  'NS',
  'PTR',
  'SSHFP',
  'SOA',
  'CAA',
];
const NAME_SERVERS = ['ns1.devstack.org.', 'ns2.devstack.org.'];
const DOMAIN = /^(?=.{1,254}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$/i;
const RECORDSET_NAME = /^(?=.{1,254}$)(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

const now = () => new Date().toISOString().replace('Z', '');
const invalid = (message: string) => new DesignateError(400, 'invalid_object', message);
const lower = (s: string) => s.toLowerCase();

export class Designate {
  readonly zones = new Map<string, SimZone>();

  constructor(
    private readonly timeline: Timeline,
    private readonly delayMs: number,
  ) {}

  /** What is due, then the zone of `id` (Designate's 404 otherwise). */
  zone(id: string): SimZone {
    this.timeline.settle();
    const zone = this.zones.get(id);
    if (!zone) throw new DesignateError(404, 'zone_not_found', 'Could not find Zone');
    return zone;
  }

  list(): SimZone[] {
    this.timeline.settle();
    return [...this.zones.values()];
  }

  createZone(raw: unknown): SimZone {
    const b = (raw ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || !DOMAIN.test(b.name))
      throw invalid(
        `Provided object does not match schema 'zone': '${String(b.name)}' is not a 'domainname'`,
      );
    if (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(b.email))
      throw invalid(`Provided object does not match schema 'zone': 'email' is a required property`);
    if ((b.type ?? 'PRIMARY') !== 'PRIMARY')
      throw invalid("Provided object does not match schema 'zone': only PRIMARY zones are served here");
    if (this.list().some((z) => lower(z.name) === lower(b.name as string)))
      throw new DesignateError(409, 'duplicate_zone', 'Duplicate Zone');
    const ttl = typeof b.ttl === 'number' ? b.ttl : 3600;
    const zone: SimZone = {
      id: randomUUID(),
      name: lower(b.name),
      email: b.email,
      ttl,
      serial: Math.floor(Date.now() / 1000),
      description: typeof b.description === 'string' ? b.description : null,
      status: 'PENDING',
      action: 'CREATE',
      version: 1,
      createdAt: now(),
      updatedAt: null,
      recordsets: new Map(),
    };
    this.zones.set(zone.id, zone);
    const own = (type: string, records: string[]) => {
      const set = this.newSet(zone, zone.name, type, records, null);
      zone.recordsets.set(set.id, set);
    };
    own('SOA', [`${NAME_SERVERS[0]} ${zone.email.replace('@', '.')}. ${zone.serial} 3526 600 86400 3600`]);
    own('NS', NAME_SERVERS);
    this.later(zone);
    return zone;
  }

  /** Designate deletes a zone with its record sets, once the name servers have dropped it. */
  deleteZone(id: string): SimZone {
    const zone = this.zone(id);
    if (zone.action === 'DELETE') return zone;
    zone.status = 'PENDING';
    zone.action = 'DELETE';
    zone.updatedAt = now();
    this.timeline.schedule(this.delayMs, () => this.zones.delete(zone.id));
    return zone;
  }

  recordsets(zoneId: string, filter: { name?: string | null; type?: string | null }): SimRecordset[] {
    return [...this.zone(zoneId).recordsets.values()].filter(
      (s) =>
        (!filter.name || lower(s.name) === lower(filter.name)) &&
        (!filter.type || s.type === filter.type.toUpperCase()),
    );
  }

  recordset(zoneId: string, id: string): SimRecordset {
    const set = this.zone(zoneId).recordsets.get(id);
    if (!set) throw new DesignateError(404, 'recordset_not_found', 'Could not find RecordSet');
    return set;
  }

  createRecordset(zoneId: string, raw: unknown): SimRecordset {
    const zone = this.writable(zoneId);
    const b = (raw ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || !RECORDSET_NAME.test(b.name))
      throw invalid(
        `Provided object does not match schema 'recordset': '${String(b.name)}' is not a 'hostname'`,
      );
    const name = b.name;
    if (lower(name) !== zone.name && !lower(name).endsWith(`.${zone.name}`))
      throw new DesignateError(400, 'invalid_recordset_location', 'RecordSet belongs in a child zone');
    const type = typeof b.type === 'string' ? b.type.toUpperCase() : '';
    if (!DESIGNATE_TYPES.includes(type))
      throw invalid(
        `Provided object does not match schema 'recordset': '${String(b.type)}' is not one of ${JSON.stringify(DESIGNATE_TYPES)}`,
      );
    if (type === 'SOA') throw new DesignateError(403, 'forbidden', 'Creating a SOA recordset is not allowed');
    const records = this.records(type, b.records);
    const same = [...zone.recordsets.values()].filter((s) => lower(s.name) === lower(name));
    if (same.some((s) => s.type === type))
      throw new DesignateError(409, 'duplicate_recordset', 'Duplicate RecordSet');
    if (type === 'CNAME' && lower(name) === zone.name)
      throw new DesignateError(
        400,
        'invalid_recordset_location',
        'CNAME recordsets may not be created at the zone apex',
      );
    if ((type === 'CNAME' && same.length > 0) || same.some((s) => s.type === 'CNAME'))
      throw new DesignateError(
        400,
        'invalid_recordset_location',
        'CNAME recordsets may not share a name with any other records',
      );
    const set = this.newSet(zone, name, type, records, this.ttl(b.ttl));
    set.description = typeof b.description === 'string' ? b.description : null;
    zone.recordsets.set(set.id, set);
    this.later(zone, set);
    return set;
  }

  updateRecordset(zoneId: string, id: string, raw: unknown): SimRecordset {
    const zone = this.writable(zoneId);
    const set = this.recordset(zoneId, id);
    if (set.type === 'SOA')
      throw new DesignateError(403, 'forbidden', 'Updating a SOA recordset is not allowed');
    const b = (raw ?? {}) as Record<string, unknown>;
    if (b.records !== undefined) set.records = this.records(set.type, b.records);
    if (b.ttl !== undefined) set.ttl = this.ttl(b.ttl);
    if (b.description !== undefined)
      set.description = typeof b.description === 'string' ? b.description : null;
    set.version++;
    set.updatedAt = now();
    this.later(zone, set, 'UPDATE');
    return set;
  }

  deleteRecordset(zoneId: string, id: string): SimRecordset {
    const zone = this.writable(zoneId);
    const set = this.recordset(zoneId, id);
    if (set.type === 'SOA')
      throw new DesignateError(403, 'forbidden', 'Deleting a SOA recordset is not allowed');
    if (set.type === 'NS' && lower(set.name) === zone.name)
      throw new DesignateError(403, 'forbidden', 'Deleting a root zone NS record is not allowed');
    set.status = 'PENDING';
    set.action = 'DELETE';
    this.touch(zone);
    this.timeline.schedule(this.delayMs, () => {
      zone.recordsets.delete(set.id);
      this.settled(zone);
    });
    return set;
  }

  private writable(zoneId: string): SimZone {
    const zone = this.zone(zoneId);
    if (zone.action === 'DELETE')
      throw new DesignateError(400, 'bad_request', 'Zone is being deleted and cannot be changed');
    return zone;
  }

  private ttl(raw: unknown): number | null {
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 2_147_483_647)
      throw invalid(
        `Provided object does not match schema 'recordset': ${String(raw)} is not valid under any of the given schemas`,
      );
    return raw;
  }

  private records(type: string, raw: unknown): string[] {
    if (!Array.isArray(raw) || raw.some((r) => typeof r !== 'string'))
      throw invalid("Provided object does not match schema 'recordset': 'records' must be a list of strings");
    if (type === 'A')
      for (const r of raw as string[])
        if (!IPV4.test(r))
          throw invalid(`Provided object does not match schema 'record': '${r}' is not a 'ipv4'`);
    if (type === 'CNAME' && raw.length > 1) throw invalid('CNAME recordsets may not have more than 1 record');
    return raw as string[];
  }

  private newSet(
    zone: SimZone,
    name: string,
    type: string,
    records: string[],
    ttl: number | null,
  ): SimRecordset {
    return {
      id: randomUUID(),
      zoneId: zone.id,
      name,
      type,
      records,
      ttl,
      description: null,
      status: 'PENDING',
      action: 'CREATE',
      version: 1,
      createdAt: now(),
      updatedAt: null,
    };
  }

  /** The zone (and the set) PENDING until the change reaches the name servers. */
  private later(zone: SimZone, set?: SimRecordset, action: Action = 'CREATE'): void {
    if (set) {
      set.status = 'PENDING';
      set.action = action;
    }
    this.touch(zone);
    this.timeline.schedule(this.delayMs, () => {
      if (set) {
        set.status = 'ACTIVE';
        set.action = 'NONE';
      }
      for (const s of zone.recordsets.values())
        if (s.action === 'CREATE' && !set) {
          s.status = 'ACTIVE';
          s.action = 'NONE';
        }
      this.settled(zone);
    });
  }

  private touch(zone: SimZone): void {
    if (zone.action !== 'CREATE') zone.action = 'UPDATE';
    zone.status = 'PENDING';
    zone.serial++;
    zone.version++;
    zone.updatedAt = now();
  }

  /** ACTIVE again once nothing in the zone is pending. */
  private settled(zone: SimZone): void {
    if (zone.action === 'DELETE') return;
    if ([...zone.recordsets.values()].some((s) => s.status === 'PENDING')) return;
    zone.status = 'ACTIVE';
    zone.action = 'NONE';
  }
}
