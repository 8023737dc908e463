// What every Hetzner call shares: paging and the numeric ids in its paths.

import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '@overcast/contracts';
import { type JsonApi, walkPages } from '../common/json-api';
import type { HzWireAction, HzWirePage } from './map';

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

/** How long a server's action may run before Overcast stops waiting for it. */
const ACTION_DEADLINE_MS = 600_000;

/**
 * Waits for an action to leave `running`, asking `GET /actions/{id}` every `pollMs`; an action
 * that ends in `error` fails in Hetzner's words.
 */
export async function awaitAction(
  api: JsonApi,
  action: HzWireAction | undefined,
  pollMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ACTION_DEADLINE_MS;
  let current = action;
  while (current?.status === 'running' && typeof current.id === 'number') {
    if (Date.now() >= deadline)
      throw new ProviderError(
        'unavailable',
        `The ${what} is still running at Hetzner Cloud after ten minutes.`,
      );
    await sleep(pollMs);
    current = (await api.request<{ action?: HzWireAction }>('GET', `/actions/${current.id}`))?.action;
  }
  if (current?.status === 'error') {
    throw new ProviderError(
      'conflict',
      current.error?.message ?? `Hetzner Cloud could not finish the ${what}.`,
      { code: current.error?.code },
    );
  }
}
