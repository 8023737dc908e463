import { randomBytes } from 'node:crypto';
import { IPV4, RECORD_TYPES as TYPES } from '../common/dns-syntax';

// Route 53's hosted zones and record sets as the service keeps them: names absolute and
// lower-case, "*" stored as "\052", record sets changed only in whole, atomic change batches.

export interface R53RecordSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export interface R53Zone {
  id: string;
  name: string;
  callerReference: string;
  comment: string;
  sets: Map<string, R53RecordSet>;
}

export interface R53Change {
  action: string;
  set: R53RecordSet;
}

/** A refusal in Route 53's words: its error code, message and HTTP status. */
export class Route53Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Labels of letters, digits, hyphens and underscores, with or without the trailing dot. */
const ZONE_NAME =
  /^([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;

/** Route 53's form of a name: absolute, lower-case, a leading "*" as "\052". */
export function canonicalName(name: string): string {
  const abs = name.endsWith('.') ? name : `${name}.`;
  return abs.toLowerCase().replace(/^\*\./, '\\052.');
}

const key = (name: string, type: string) => `${canonicalName(name)} ${type}`;
const describe = (s: R53RecordSet) => `[name='${s.name}', type='${s.type}']`;

export class Route53State {
  readonly zones = new Map<string, R53Zone>();
  readonly changes = new Map<string, { status: string; submittedAt: string }>();

  /**
   * A hosted zone with its NS and SOA. The caller reference is the request's idempotency token:
   * a second request with one already used is refused, while a second zone of the same name with
   * a new reference is made, as Route 53 does.
   */
  createZone(name: string, comment = '', callerReference?: string): R53Zone {
    if (!ZONE_NAME.test(name) || name.length > 1024)
      throw new Route53Error(
        'InvalidDomainName',
        `${name} is reserved by AWS or is not a valid domain name.`,
      );
    if (callerReference !== undefined) {
      if (callerReference === '' || callerReference.length > 128)
        throw new Route53Error(
          'InvalidInput',
          "1 validation error detected: Value at 'callerReference' failed to satisfy constraint: Member must have length between 1 and 128",
        );
      if ([...this.zones.values()].some((z) => z.callerReference === callerReference))
        throw new Route53Error(
          'HostedZoneAlreadyExists',
          `A hosted zone has already been created with the specified caller reference.`,
          409,
        );
    }
    const id = `Z${randomBytes(10).toString('hex').toUpperCase().slice(0, 19)}`;
    const apex = canonicalName(name);
    const zone: R53Zone = {
      id,
      name: apex,
      callerReference: callerReference ?? id,
      comment,
      sets: new Map(),
    };
    const servers = [
      'ns-1.awsdns-01.org.',
      'ns-2.awsdns-02.co.uk.',
      'ns-3.awsdns-03.com.',
      'ns-4.awsdns-04.net.',
    ];
    this.put(zone, { name: apex, type: 'NS', ttl: 172800, values: servers });
    this.put(zone, {
      name: apex,
      type: 'SOA',
      ttl: 900,
      values: [`${servers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
    });
    this.zones.set(id, zone);
    return zone;
  }

  /** Route 53 deletes a zone only when nothing but its SOA and apex NS is left. */
  deleteZone(id: string): void {
    const zone = this.zone(id);
    const extra = [...zone.sets.values()].some(
      (s) => s.type !== 'SOA' && !(s.type === 'NS' && s.name === zone.name),
    );
    if (extra)
      throw new Route53Error(
        'HostedZoneNotEmpty',
        'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
      );
    this.zones.delete(zone.id);
  }

  zone(id: string): R53Zone {
    const zone = this.zones.get(id.replace(/^\/hostedzone\//, ''));
    if (!zone) throw new Route53Error('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return zone;
  }

  put(zone: R53Zone, set: R53RecordSet): void {
    const name = canonicalName(set.name);
    zone.sets.set(key(name, set.type), { ...set, name, values: [...set.values] });
  }

  /** Record sets in Route 53's order: by name with its labels reversed, then by type. */
  sorted(zone: R53Zone): R53RecordSet[] {
    const order = (n: string) => n.split('.').reverse().join('.');
    return [...zone.sets.values()].sort(
      (a, b) => order(a.name).localeCompare(order(b.name)) || a.type.localeCompare(b.type),
    );
  }

  /** Applies a change batch whole or not at all, with Route 53's messages for what it refuses. */
  change(zone: R53Zone, changes: R53Change[]): string {
    if (changes.length === 0)
      throw new Route53Error('InvalidChangeBatch', 'The change batch has no changes.');
    const next = new Map(zone.sets);
    const problems: string[] = [];
    for (const { action, set } of changes) {
      const name = canonicalName(set.name);
      const k = key(name, set.type);
      const s = { ...set, name };
      const bad = this.invalid(zone, s);
      if (bad) {
        problems.push(bad);
        continue;
      }
      const existing = next.get(k);
      if (action === 'CREATE') {
        if (existing)
          problems.push(`Tried to create resource record set ${describe(s)} but it already exists`);
        else next.set(k, s);
      } else if (action === 'DELETE') {
        if (!existing)
          problems.push(`Tried to delete resource record set ${describe(s)} but it was not found`);
        else if (
          existing.ttl !== s.ttl ||
          [...existing.values].sort().join('\n') !== [...s.values].sort().join('\n')
        )
          problems.push(
            `Tried to delete resource record set ${describe(s)} but the values provided do not match the current values`,
          );
        else if (existing.type === 'SOA' || (existing.type === 'NS' && name === zone.name))
          problems.push(
            `A HostedZone must contain at least one NS record and one SOA record for the zone itself.`,
          );
        else next.delete(k);
      } else if (action === 'UPSERT') {
        next.set(k, s);
      } else {
        problems.push(`Unknown change action ${action}`);
      }
    }
    for (const s of next.values()) {
      if (s.type === 'CNAME' && [...next.values()].some((o) => o.name === s.name && o.type !== 'CNAME'))
        problems.push(
          `RRSet of type CNAME with DNS name ${s.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
        );
    }
    if (problems.length > 0) throw new Route53Error('InvalidChangeBatch', [...new Set(problems)].join('; '));
    zone.sets.clear();
    for (const [k, s] of next) zone.sets.set(k, s);
    return this.recordChange();
  }

  /** A new change id, already in sync (the emulator applies everything at once). */
  recordChange(): string {
    const id = `C${randomBytes(10).toString('hex').toUpperCase().slice(0, 19)}`;
    this.changes.set(id, { status: 'INSYNC', submittedAt: new Date().toISOString() });
    return id;
  }

  private invalid(zone: R53Zone, s: R53RecordSet): string | undefined {
    if (!TYPES.has(s.type))
      return `Invalid Resource Record: FATAL problem: UnsupportedType encountered at ${s.type}`;
    if (s.name !== zone.name && !s.name.endsWith(`.${zone.name}`))
      return `RRSet with DNS name ${s.name} is not permitted in zone ${zone.name}`;
    if (s.type === 'CNAME' && s.name === zone.name)
      return `RRSet of type CNAME with DNS name ${s.name} is not permitted at apex in zone ${zone.name}`;
    if (!Number.isInteger(s.ttl) || s.ttl < 0 || s.ttl > 2147483647) return `Invalid TTL ${s.ttl}`;
    if (s.values.length === 0)
      return `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]], but found none in Change with [Action=CREATE, Name=${s.name}, Type=${s.type}]`;
    for (const v of s.values) {
      if (s.type === 'A' && !IPV4.test(v))
        return `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${v}''`;
      if (s.type === 'MX' && !/^\d{1,5} \S+$/.test(v))
        return `Invalid Resource Record: 'FATAL problem: InvalidMXRecord encountered with '${v}''`;
      if (s.type === 'SRV' && !/^\d{1,5} \d{1,5} \d{1,5} \S+$/.test(v))
        return `Invalid Resource Record: 'FATAL problem: InvalidSRVRecord encountered with '${v}''`;
      if (s.type === 'TXT' && !/^".*"$/.test(v))
        return `Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${v}''`;
    }
    return undefined;
  }
}
