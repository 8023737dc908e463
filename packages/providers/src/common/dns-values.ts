import type { DnsRecordSpec, RemoteRecord } from '@overcast/contracts';
import { ProviderError } from '@overcast/contracts';

// Record values as zone-file text, for the providers that keep record sets of such strings
// (Route 53, Cloud DNS): "10 mail.example.com.", "0 5 5060 sip.example.com.", "0 issue \"ca.org\"".

/** Host-name types, whose targets are absolute in zone-file text. */
const HOST_TYPES = new Set(['CNAME', 'NS', 'MX', 'SRV', 'PTR']);

export const absolute = (host: string) => (host.endsWith('.') ? host : `${host}.`);
export const withoutDot = (host: string) =>
  host.endsWith('.') && host.length > 1 ? host.slice(0, -1) : host;

/** One value of a record as its zone-file text. */
export function toRdata(spec: DnsRecordSpec): string {
  switch (spec.type) {
    case 'MX':
      return `${spec.priority ?? 0} ${absolute(spec.value)}`;
    case 'SRV':
      return `${spec.priority ?? 0} ${spec.weight ?? 0} ${spec.port ?? 0} ${absolute(spec.value)}`;
    case 'TXT':
      return `"${spec.value}"`;
    case 'CAA':
      return `${spec.flags ?? 0} ${spec.tag ?? 'issue'} "${spec.value}"`;
    default:
      return HOST_TYPES.has(spec.type) ? absolute(spec.value) : spec.value;
  }
}

/** TXT text's quoted character-strings, unescaped ("a" "b" -> [a, b]); unquoted text is one. */
export function txtStrings(text: string): string[] {
  const parts = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  return parts.length > 0 ? parts : [text];
}

/** Splits TXT text into its quoted character-strings and joins them ("a" "b" -> ab). */
const unquote = (text: string): string => txtStrings(text).join('');

type Parsed = Omit<RemoteRecord, 'externalId' | 'name' | 'type' | 'ttl'>;

/** Reads one zone-file value of a type back into a record's fields; unknown types keep the text. */
export function fromRdata(type: string, rdata: string): Parsed {
  const words = rdata.trim().split(/\s+/);
  switch (type) {
    case 'MX':
      return { priority: Number(words[0]), value: withoutDot(words[1] ?? '') };
    case 'SRV':
      return {
        priority: Number(words[0]),
        weight: Number(words[1]),
        port: Number(words[2]),
        value: withoutDot(words[3] ?? ''),
      };
    case 'TXT':
      return { value: unquote(rdata) };
    case 'CAA':
      return { flags: Number(words[0]), tag: words[1] ?? '', value: unquote(words.slice(2).join(' ')) };
    default:
      return { value: HOST_TYPES.has(type) ? withoutDot(rdata.trim()) : rdata.trim() };
  }
}

/** A record of a record set, named by what it is: the set's name and type, and its one value. */
export function recordSetValueId(name: string, type: string, rdata: string): string {
  return Buffer.from(JSON.stringify([name, type, rdata]), 'utf8').toString('base64url');
}

export function parseRecordSetValueId(id: string): { name: string; type: string; rdata: string } | null {
  try {
    const parsed = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string')) {
      const [name, type, rdata] = parsed as [string, string, string];
      return { name, type, rdata };
    }
  } catch {
    // not one of ours
  }
  return null;
}

/** A zone's absolute name for a relative one ("www" in example.com -> "www.example.com."). */
export function absoluteName(relative: string, zone: string): string {
  const apex = absolute(zone);
  return relative === '@' ? apex : `${relative}.${apex}`;
}

/** The relative name of an absolute one within a zone ("www.example.com." -> "www"). */
export function relativeName(absoluteName: string, zone: string): string {
  const name = absolute(absoluteName).toLowerCase();
  const apex = absolute(zone).toLowerCase();
  if (name === apex) return '@';
  return name.endsWith(`.${apex}`)
    ? absolute(absoluteName).slice(0, -apex.length - 1)
    : withoutDot(absoluteName);
}

/** A record set as Route 53 and Cloud DNS keep it: one name and type, its values. */
export interface RecordSet {
  /** Absolute, with the trailing dot. */
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export interface RecordSetChange {
  deletions: RecordSet[];
  additions: RecordSet[];
}

const setKey = (name: string, type: string) => `${absolute(name).toLowerCase()} ${type}`;

/**
 * The whole-set deletions and additions that take one value out (`remove`) and put one in
 * (`add`): the form both providers change record sets in. A deletion names the set exactly as
 * it is, so the provider refuses the change if someone else changed the set meanwhile.
 * `current` holds the sets the two touch, as they are now.
 */
export function planRecordSetChange(
  current: (RecordSet | undefined)[],
  remove?: { name: string; type: string; rdata: string },
  add?: { name: string; type: string; ttl: number; rdata: string },
): RecordSetChange {
  const before = new Map(current.filter((s): s is RecordSet => !!s).map((s) => [setKey(s.name, s.type), s]));
  const after = new Map<string, RecordSet>();
  const touch = (name: string, type: string) => {
    const key = setKey(name, type);
    let set = after.get(key);
    if (!set) {
      const was = before.get(key);
      set = was ? { ...was, values: [...was.values] } : { name: absolute(name), type, ttl: 0, values: [] };
      after.set(key, set);
    }
    return set;
  };
  if (remove) {
    const set = touch(remove.name, remove.type);
    const at = set.values.indexOf(remove.rdata);
    if (at < 0)
      throw new ProviderError('not-found', `No ${remove.type} record ${remove.rdata} at ${remove.name}`);
    set.values.splice(at, 1);
  }
  if (add) {
    const set = touch(add.name, add.type);
    if (set.values.includes(add.rdata))
      throw new ProviderError(
        'conflict',
        `${absolute(add.name)} already has the ${add.type} record ${add.rdata}`,
      );
    set.values.push(add.rdata);
    set.ttl = add.ttl;
  }
  const change: RecordSetChange = { deletions: [], additions: [] };
  for (const [key, set] of after) {
    const was = before.get(key);
    if (was) change.deletions.push(was);
    if (set.values.length > 0) change.additions.push(set);
  }
  return change;
}
