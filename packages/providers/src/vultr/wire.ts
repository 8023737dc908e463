import { ProviderError } from '@overcast/contracts';
import { type JsonApi, walkPages } from '../common/json-api';
import type { VultrWirePage } from './map';

// What every part of the Vultr driver shares on the wire: its cursor paging and its ids.

/** Follows `meta.links.next` until it comes back empty. */
export function vultrPages<T>(api: JsonApi, path: string, key: string, signal?: AbortSignal) {
  return walkPages<T, string>(
    '',
    async (cursor) => {
      const data = await api.request<VultrWirePage & Record<string, unknown>>('GET', path, {
        query: { per_page: api.config.perPage, cursor: cursor || undefined },
        signal,
      });
      return { items: (data?.[key] ?? []) as T[], next: data?.meta?.links?.next || null };
    },
    signal,
  );
}

/** Vultr ids are UUIDs; anything that could leave its place in the path is refused first. */
export function vultrId(externalId: string, what: string, kind: 'invalid' | 'not-found' = 'invalid'): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(externalId))
    throw new ProviderError(kind, `'${externalId}' is not a ${what} id`);
  return externalId;
}
