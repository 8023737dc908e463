// DNS as an optional capability of a driver: a provider whose module says `features.dns` builds a
// driver that is also a DnsDriver. Kept apart from ProviderDriver so machine-only providers carry
// nothing of it. Pure: the web app and core import the record rules from here.

/** The record types Overcast reads and writes; others a zone holds are listed read-only. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'NS', 'CAA'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const CAA_TAGS = ['issue', 'issuewild', 'iodef'] as const;
export type CaaTag = (typeof CAA_TAGS)[number];

export const DNS_TTL_MIN = 30;
export const DNS_TTL_MAX = 604_800;
/** One TXT character-string holds at most 255 bytes. */
export const TXT_MAX_LENGTH = 255;

export interface RemoteZone {
  externalId: string;
  /** Without the trailing dot: "example.com". */
  name: string;
  extra: Record<string, unknown>;
}

/**
 * One value of one name and type. Providers that keep record sets (Route 53, Cloud DNS) get one
 * record per value, so every provider's records read and change the same way.
 */
export interface RemoteRecord {
  externalId: string;
  /** Relative to the zone; "@" is the apex. */
  name: string;
  /** One of DNS_RECORD_TYPES, or another type the zone holds (SOA...), which is read-only. */
  type: string;
  ttl: number;
  /** The address, host name (without trailing dot) or text; for CAA the value after the tag. */
  value: string;
  priority?: number;
  weight?: number;
  port?: number;
  flags?: number;
  tag?: string;
}

export interface DnsRecordSpec {
  name: string;
  type: DnsRecordType;
  ttl: number;
  value: string;
  priority?: number;
  weight?: number;
  port?: number;
  flags?: number;
  tag?: CaaTag;
}

/** A zone to make. */
export interface DnsZoneSpec {
  /** The domain, lower-case, without the trailing dot (see `dnsZoneNameProblem`). */
  name: string;
  /**
   * Names this one request, so the provider can tell a retry from a second zone (Route 53's
   * CallerReference); providers without such a token ignore it.
   */
  requestId: string;
}

export interface DnsDriver {
  listZones(): Promise<RemoteZone[]>;
  createZone(spec: DnsZoneSpec): Promise<RemoteZone>;
  /** Refused by the provider while the zone holds records besides its SOA and apex NS. */
  deleteZone(zoneId: string): Promise<void>;
  listRecords(zoneId: string): Promise<RemoteRecord[]>;
  createRecord(zoneId: string, spec: DnsRecordSpec): Promise<RemoteRecord>;
  updateRecord(zoneId: string, recordId: string, spec: DnsRecordSpec): Promise<RemoteRecord>;
  deleteRecord(zoneId: string, recordId: string): Promise<void>;
  /**
   * Whether this cloud has DNS at all, for providers whose module says `dns: 'catalog'` (an
   * OpenStack cloud without Designate in its catalog has none).
   */
  offersDns?(): Promise<boolean>;
}

export function isDnsDriver(driver: object): driver is DnsDriver {
  const d = driver as Partial<DnsDriver>;
  return (
    typeof d.listZones === 'function' &&
    typeof d.createZone === 'function' &&
    typeof d.deleteZone === 'function' &&
    typeof d.listRecords === 'function' &&
    typeof d.createRecord === 'function' &&
    typeof d.updateRecord === 'function' &&
    typeof d.deleteRecord === 'function'
  );
}

/** The records a zone is made with and keeps to the end: its SOA and the NS at its apex. */
export function isZoneOwnRecord(r: { type: string; name: string }): boolean {
  return r.type === 'SOA' || (r.type === 'NS' && r.name === '@');
}

// --- Zone names ----------------------------------------------------------------------------

/** A domain as zones are named: trimmed, lower-case, without the trailing dot. */
export function normalizeZoneName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

const ZONE_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** What is wrong with a zone's domain (as `normalizeZoneName` gives it); undefined when it is good. */
export function dnsZoneNameProblem(name: string): string | undefined {
  if (name === '') return 'Give the domain of the zone, such as example.com.';
  if (name.length > 253) return `A domain has at most 253 characters; this one has ${name.length}.`;
  const labels = name.split('.');
  if (labels.length < 2) return `"${name}" is not a domain: give at least two labels, such as example.com.`;
  const bad = labels.find((l) => !ZONE_LABEL.test(l));
  if (bad !== undefined)
    return `"${name}" is not a domain: each label between dots has 1 to 63 letters, digits or hyphens, and does not start or end with a hyphen${bad === '' ? ' (two dots in a row leave an empty one)' : ` ("${bad.slice(0, 70)}" does not fit)`}.`;
  return undefined;
}

// --- Validation per type -------------------------------------------------------------------

export interface DnsProblem {
  /** The field at fault: name, type, ttl, value, priority, weight, port, flags, tag. */
  field: keyof DnsRecordSpec;
  message: string;
}

const LABEL = /^(\*|_?[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?|_[A-Za-z0-9])$/;
const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.length > 45) return false;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  // An embedded IPv4 tail (::ffff:192.0.2.1) stands for two groups.
  if (text.includes('.')) {
    if (!isIpv4(text.slice(lastColon + 1))) return false;
    body = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** A host name a record points at: absolute or not, the trailing dot is optional. */
export function isHostName(text: string): boolean {
  const host = text.endsWith('.') ? text.slice(0, -1) : text;
  if (host === '' || host.length > 253) return false;
  return host.split('.').every((l) => HOST_LABEL.test(l));
}

/** A name relative to the zone: "@" (the apex) or labels such as "www", "_sip._tcp", "*.dev". */
export function relativeNameProblem(name: string, zone?: string): string | undefined {
  if (name === '@') return undefined;
  if (name.endsWith('.'))
    return `Give the name relative to the zone ("www", or "@" for the apex), not the absolute "${name}".`;
  if (zone && (name === zone || name.endsWith(`.${zone}`)))
    return `Give the name relative to the zone: "${name === zone ? '@' : name.slice(0, -zone.length - 1)}" rather than "${name}".`;
  if (name.length > 200) return 'The name is longer than 200 characters.';
  const labels = name.split('.');
  if (!labels.every((l) => LABEL.test(l)))
    return `"${name}" is not a DNS name: use letters, digits, hyphens and underscores, labels of 1 to 63 characters, separated by dots.`;
  if (labels.slice(1).includes('*')) return 'A wildcard "*" may only be the leftmost label.';
  return undefined;
}

const need = (spec: DnsRecordSpec, field: 'priority' | 'weight' | 'port', max: number) =>
  spec[field] === undefined
    ? { field, message: `A ${spec.type} record needs a ${field} (0 to ${max}).` }
    : undefined;

/**
 * What is wrong with a record for its type, naming the field; undefined when it is good.
 * Schemas already hold the shapes (integers, lengths); this holds what depends on the type.
 */
export function dnsRecordProblem(spec: DnsRecordSpec, zone?: string): DnsProblem | undefined {
  const nameProblem = relativeNameProblem(spec.name, zone);
  if (nameProblem) return { field: 'name', message: nameProblem };
  if (!Number.isInteger(spec.ttl) || spec.ttl < DNS_TTL_MIN || spec.ttl > DNS_TTL_MAX)
    return {
      field: 'ttl',
      message: `The TTL must be a whole number of seconds from ${DNS_TTL_MIN} to ${DNS_TTL_MAX}.`,
    };
  const v = spec.value;
  if (v.trim() === '') return { field: 'value', message: `A ${spec.type} record needs a value.` };
  const host = (what: string) =>
    isHostName(v)
      ? undefined
      : {
          field: 'value' as const,
          message: `${what} must be a host name such as mail.example.com; "${v}" is not.`,
        };
  switch (spec.type) {
    case 'A':
      return isIpv4(v)
        ? undefined
        : {
            field: 'value',
            message: `An A record's value must be an IPv4 address such as 203.0.113.10; "${v}" is not.`,
          };
    case 'AAAA':
      return isIpv6(v)
        ? undefined
        : {
            field: 'value',
            message: `An AAAA record's value must be an IPv6 address such as 2001:db8::1; "${v}" is not.`,
          };
    case 'CNAME':
      if (spec.name === '@')
        return {
          field: 'name',
          message:
            'A CNAME cannot sit at the zone apex ("@"); use an A or AAAA record there, or a name such as "www".',
        };
      return host("A CNAME's target");
    case 'NS':
      return host("An NS record's server");
    case 'MX':
      return need(spec, 'priority', 65535) ?? host("An MX record's mail server");
    case 'SRV':
      return (
        need(spec, 'priority', 65535) ??
        need(spec, 'weight', 65535) ??
        need(spec, 'port', 65535) ??
        (spec.name.split('.').length < 2 || !spec.name.startsWith('_')
          ? {
              field: 'name',
              message:
                'An SRV record\'s name is "_service._protocol" (such as "_sip._tcp"), optionally followed by more labels.',
            }
          : host("An SRV record's target"))
      );
    case 'TXT':
      if (v.length > TXT_MAX_LENGTH)
        return {
          field: 'value',
          message: `A TXT value holds at most ${TXT_MAX_LENGTH} characters; this one has ${v.length}.`,
        };
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
      if (/[\u0000-\u001f\u007f"\\]/.test(v))
        return {
          field: 'value',
          message: 'A TXT value may not hold control characters, quotes or backslashes.',
        };
      return undefined;
    case 'CAA':
      if (spec.tag === undefined || !(CAA_TAGS as readonly string[]).includes(spec.tag))
        return { field: 'tag', message: `A CAA record needs a tag: ${CAA_TAGS.join(', ')}.` };
      if (spec.flags !== undefined && spec.flags !== 0 && spec.flags !== 128)
        return { field: 'flags', message: "A CAA record's flags are 0, or 128 (critical)." };
      if (v.length > TXT_MAX_LENGTH || /["\s\\]/.test(v))
        return {
          field: 'value',
          message: 'A CAA value is a CA domain or URL, without spaces or quotes, of at most 255 characters.',
        };
      return undefined;
  }
}
