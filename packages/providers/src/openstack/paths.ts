// What the Nova, Cinder and Neutron calls share: ids safe in a path, and limit/marker paging.

import { ProviderError } from '@overcast/contracts';
import { walkPages } from '../common/json-api';
import type { OpenStackClient } from './client';
import type { Service } from './keystone';

type Links = Array<{ rel?: string; href?: string }> | undefined;

/** OpenStack ids are UUIDs (integers on old clouds); anything else never reaches a path. */
export function resourceId(externalId: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(externalId))
    throw new ProviderError('invalid', `'${externalId}' is not an OpenStack ${what} id`);
  return encodeURIComponent(externalId);
}

/** Every item of a listing paged by `limit` and `marker` (the last id), while a `next` link is given. */
export function markedPages<T extends { id: string | number }>(
  client: OpenStackClient,
  service: Service,
  path: string,
  key: string,
  signal?: AbortSignal,
) {
  return walkPages<T, string>(
    '',
    async (marker) => {
      const page = await client.request<Record<string, unknown>>(service, 'GET', path, {
        query: { limit: client.config.perPage, marker: marker || undefined },
        signal,
      });
      const items = (Array.isArray(page?.[key]) ? page[key] : []) as T[];
      const more = ((page?.[`${key}_links`] as Links) ?? []).some((l) => l.rel === 'next');
      const last = items.at(-1);
      return { items, next: more && last ? String(last.id) : null };
    },
    signal,
  );
}
