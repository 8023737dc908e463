import { ProviderError } from '@overcast/contracts';
import type { DoClient, DotsClient } from './client';
import type { DoWirePage } from './wire';

// Whole listings for the parts that need every item before they answer (domains, records,
// VPCs, firewalls): pages followed by `links.pages.next`, a failed page failing the listing.

export async function listAll<T>(
  client: DoClient,
  fetch: (api: DotsClient, page: number) => Promise<{ data: unknown }>,
  key: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= 10_000; page++) {
    const data = (await client.get((api) => fetch(api, page), signal)) as DoWirePage &
      Record<string, unknown>;
    const items = (data?.[key] ?? []) as T[];
    out.push(...items);
    if (!data?.links?.pages?.next || items.length === 0) break;
  }
  return out;
}

/** A success answer missing the object it exists to return is an outage, not a crash. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined || typeof value !== 'object')
    throw new ProviderError('unavailable', `DigitalOcean answered without a ${what}`);
  return value;
}
