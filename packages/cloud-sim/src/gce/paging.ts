import { invalidField } from './errors';

const MAX_RESULTS = 500;

/** Reads `maxResults` and `pageToken` the way Compute Engine validates them. */
export function pageWindow(url: URL): { offset: number; size: number } {
  const rawMax = url.searchParams.get('maxResults');
  let size = MAX_RESULTS;
  if (rawMax !== null) {
    if (!/^\d+$/.test(rawMax) || Number(rawMax) > MAX_RESULTS) {
      throw invalidField('maxResults', `'${rawMax}'. Must be less than or equal to ${MAX_RESULTS}`);
    }
    // 0 means "the default" to Compute Engine.
    size = Number(rawMax) || MAX_RESULTS;
  }
  const token = url.searchParams.get('pageToken');
  if (!token) return { offset: 0, size };
  const offset = decodeToken(token);
  if (offset === null) throw invalidField('pageToken', `'${token}'. Invalid page token.`);
  return { offset, size };
}

/** Opaque to clients; inside, just the offset of the next item. */
export const encodeToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

function decodeToken(token: string): number | null {
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** One page of `items` plus the token for the next one, if any. */
export function page<T>(items: readonly T[], url: URL): { slice: readonly T[]; nextPageToken?: string } {
  const { offset, size } = pageWindow(url);
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { slice, nextPageToken: encodeToken(offset + size) } : { slice };
}

/**
 * Groups one page of an aggregated list by scope. Every scope appears; those with nothing on
 * this page carry the NO_RESULTS_ON_PAGE warning, as Compute Engine does.
 */
export function scoped<T>(
  zones: readonly string[],
  slice: readonly T[],
  zoneOf: (t: T) => string,
  field: string,
  render: (t: T) => unknown,
): Record<string, unknown> {
  const byZone = new Map<string, unknown[]>();
  for (const item of slice) {
    const z = zoneOf(item);
    const list = byZone.get(z) ?? [];
    list.push(render(item));
    byZone.set(z, list);
  }
  const items: Record<string, unknown> = {};
  for (const z of zones) {
    const scope = `zones/${z}`;
    const list = byZone.get(z);
    items[scope] = list
      ? { [field]: list }
      : {
          warning: {
            code: 'NO_RESULTS_ON_PAGE',
            message: `There are no results for scope '${scope}' on this page.`,
            data: [{ key: 'scope', value: scope }],
          },
        };
  }
  return items;
}
