import { ProviderError } from '@overcast/contracts';

export interface Page<T> {
  items: T[];
  next?: string;
}

/**
 * Walks NextToken pages, asking for the next page while the caller consumes the current
 * one. Stops with the signal's reason when it aborts.
 */
export async function* paginate<T>(
  signal: AbortSignal | undefined,
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  signal?.throwIfAborted();
  let token: string | undefined;
  let pending: Promise<Page<T>> | undefined = fetchPage(undefined);
  while (pending) {
    const page: Page<T> = await pending;
    signal?.throwIfAborted();
    // EC2 may answer an empty page with a token; an unchanged token would loop forever.
    if (page.next !== undefined && page.next === token) {
      throw new ProviderError(
        'unavailable',
        'EC2 returned the same NextToken twice; the listing cannot progress',
      );
    }
    token = page.next;
    pending = token ? fetchPage(token) : undefined;
    // If the caller stops early the prefetch is never awaited: keep its failure from going unhandled.
    pending?.catch(() => {});
    yield* page.items;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
