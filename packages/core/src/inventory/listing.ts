import { ownCopy } from '@overcast/contracts';

/** Resources as a provider lists them: all at once, or page by page as they arrive. */
export type Listing<T> = Iterable<T> | AsyncIterable<T>;

/**
 * The listing with each id once, as first listed: a provider listing an id twice (pagination
 * overlap) must not fail the poll. The ids are copied: as slices of the pages they were read
 * from, they would keep every page of the listing alive.
 */
export async function* firstOfEachId<T extends { externalId: string }>(
  listing: Listing<T>,
): AsyncGenerator<T> {
  const ids = new Set<string>();
  for await (const item of listing) {
    if (ids.has(item.externalId)) continue;
    ids.add(ownCopy(item.externalId));
    yield item;
  }
}

export interface ListingOptions {
  /**
   * The listing's own abort signal. A driver stops early, without an error, when it is aborted;
   * such a listing is partial, so the sync rolls back rather than take the rest for missing.
   */
  signal?: AbortSignal;
}
