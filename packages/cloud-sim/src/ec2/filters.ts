import { invalidValue } from './errors';
import type { Filter } from './params';

type FieldValue = string | number | boolean | undefined | null;

/** How each supported filter name reads a resource; tag filters are handled generically. */
export interface FilterFields<T> {
  fields: Record<string, (item: T) => FieldValue | FieldValue[]>;
  tags?: (item: T) => Map<string, string>;
}

type Matcher = (value: string) => boolean;

/** EC2 filter values accept `*` (any run) and `?` (one character). */
function valueMatcher(pattern: string): Matcher {
  if (!/[*?]/.test(pattern)) return (v) => v === pattern;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 's');
  return (v) => re.test(v);
}

function normalize(value: FieldValue | FieldValue[]): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v) => v !== undefined && v !== null).map((v) => String(v));
}

/**
 * Compiles filters once per request: values within a filter are OR'ed, filters AND'ed.
 * Unknown filter names fail up front, as EC2 does, even when nothing would be scanned.
 */
export function compileFilters<T>(filters: Filter[], spec: FilterFields<T>): (item: T) => boolean {
  const tests = filters.map((f): ((item: T) => boolean) => {
    const matchers = f.values.map(valueMatcher);
    const anyMatch = (values: string[]) => values.some((v) => matchers.some((m) => m(v)));
    if (spec.tags && f.name.startsWith('tag:')) {
      const key = f.name.slice(4);
      const tags = spec.tags;
      return (item) => {
        const value = tags(item).get(key);
        return value !== undefined && anyMatch([value]);
      };
    }
    if (spec.tags && f.name === 'tag-key') {
      const tags = spec.tags;
      return (item) => anyMatch([...tags(item).keys()]);
    }
    if (spec.tags && f.name === 'tag-value') {
      const tags = spec.tags;
      return (item) => anyMatch([...tags(item).values()]);
    }
    // Own fields only: `constructor` or `__proto__` are not filters.
    const read = Object.hasOwn(spec.fields, f.name) ? spec.fields[f.name] : undefined;
    if (!read) throw invalidValue(`The filter '${f.name}' is invalid`);
    return (item) => anyMatch(normalize(read(item)));
  });
  return (item) => tests.every((test) => test(item));
}
