import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { type JsonApi, walkPages } from '../common/json-api';
import type { LinodeWirePage } from './map';

// What every part of the Linode driver shares on the wire: its paging and its numeric ids.

/** Linode's page sizes run from 25 to 500. */
export const MIN_PAGE = 25;
export const MAX_PAGE = 500;

/** Walks `page` until `pages`. */
export function linodePages<T>(api: JsonApi, path: string, signal?: AbortSignal) {
  const size = Math.max(MIN_PAGE, api.config.perPage);
  return walkPages<T, number>(
    1,
    async (page) => {
      const data = await api.request<LinodeWirePage<T>>('GET', path, {
        query: { page, page_size: size },
        signal,
      });
      const pages = data?.pages ?? 1;
      return { items: data?.data ?? [], next: page < pages ? page + 1 : null };
    },
    signal,
  );
}

export function numericId(externalId: string, what: string, kind: ProviderErrorKind = 'invalid'): number {
  if (!/^\d{1,15}$/.test(externalId)) throw new ProviderError(kind, `'${externalId}' is not a ${what} id`);
  return Number(externalId);
}

/**
 * Waits for a Linode to leave `status` (a resize's `resizing`, a restore's `restoring`): Linode
 * answers those calls at once and does the work in the background. Asks again at growing
 * intervals, for ten minutes at most.
 */
export async function untilStatusLeaves(
  api: JsonApi,
  id: number,
  status: string,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
    const linode = await api.request<{ status?: string }>('GET', `/linode/instances/${id}`);
    if (linode?.status !== status) return;
    if (Date.now() + pause > deadline)
      throw new ProviderError('unavailable', `The ${what} is still running at Linode after ten minutes.`);
    await sleep(pause);
  }
}
