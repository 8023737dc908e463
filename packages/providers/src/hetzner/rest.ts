// What every Hetzner call shares: paging and the numeric ids in its paths.

import { ProviderError } from '@overcast/contracts';
import { type JsonApi, walkPages } from '../common/json-api';
import type { HzWirePage } from './map';

/** Every item of a Hetzner listing, page by page, following `meta.pagination.next_page`. */
export function hetznerPages<T>(
  api: JsonApi,
  path: string,
  key: string,
  signal?: AbortSignal,
  query: Record<string, string> = {},
): AsyncIterable<T> {
  return walkPages<T, number>(
    1,
    async (page) => {
      const data = await api.request<HzWirePage & Record<string, unknown>>('GET', path, {
        query: { ...query, page, per_page: api.config.perPage },
        signal,
      });
      const items = (data?.[key] ?? []) as T[];
      return { items, next: data?.meta?.pagination?.next_page ?? null };
    },
    signal,
  );
}

export function numericId(externalId: string, what: string): number {
  if (!/^\d{1,15}$/.test(externalId))
    throw new ProviderError('invalid', `'${externalId}' is not a ${what} id`);
  return Number(externalId);
}
