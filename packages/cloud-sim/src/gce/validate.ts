import { invalidField } from './errors';

// Compute Engine's naming and labelling rules, applied to request bodies.

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const METADATA_KEY = /^[a-zA-Z0-9_-]{1,128}$/;
const METADATA_BYTES = 512 * 1024;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw invalidField(
      field,
      `'${typeof value === 'string' ? value : ''}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`,
    );
  }
  return value;
}

export function readLabels(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidField(field, "''. Labels must be a map of strings.");
  const entries = Object.entries(value);
  if (entries.length > 64) throw invalidField(field, "''. At most 64 labels are allowed.");
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k)) throw invalidField(field, `''. Label key '${k}' violates format constraints.`);
    if (typeof v !== 'string' || !LABEL_VALUE.test(v)) {
      throw invalidField(field, `''. Label value '${String(v)}' violates format constraints.`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function readMetadata(value: unknown): Array<{ key: string; value: string }> {
  if (value === undefined || value === null) return [];
  const items = isObject(value) ? value.items : undefined;
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw invalidField('resource.metadata', "''. Items must be a list.");
  const seen = new Set<string>();
  let bytes = 0;
  return items.map((item) => {
    if (!isObject(item) || typeof item.key !== 'string' || !METADATA_KEY.test(item.key)) {
      throw invalidField('resource.metadata', "''. Metadata keys must match '[a-zA-Z0-9-_]{1,128}'.");
    }
    if (seen.has(item.key))
      throw invalidField('resource.metadata', `''. Duplicate metadata key '${item.key}'.`);
    seen.add(item.key);
    const v = item.value === undefined || item.value === null ? '' : item.value;
    if (typeof v !== 'string')
      throw invalidField('resource.metadata', `''. Value of '${item.key}' must be a string.`);
    bytes += Buffer.byteLength(item.key) + Buffer.byteLength(v);
    if (bytes > METADATA_BYTES)
      throw invalidField('resource.metadata', "''. Metadata may hold at most 512 KB.");
    return { key: item.key, value: v };
  });
}

export function readNetworkTags(value: unknown): string[] {
  const items = isObject(value) ? value.items : undefined;
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items) || !items.every((t) => typeof t === 'string' && NAME.test(t))) {
    throw invalidField('resource.tags.items', "''. Tags must be RFC 1035 names.");
  }
  return [...new Set(items as string[])];
}

/** int64 fields arrive as JSON strings from most clients and as numbers from some. */
export function readInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}
