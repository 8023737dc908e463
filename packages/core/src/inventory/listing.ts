import { ownCopy } from '@overcast/contracts';

/** Resources as a provider lists them: all at once, or page by page as they arrive. */
export type Listing<T> = Iterable<T> | AsyncIterable<T>;

/**
 * The rows a sync copies from a listing: each id once, as first listed (a provider listing an
 * id twice, by pagination overlap, must not fail the poll), mapped. The ids kept are copies: as
 * slices of the pages they were read from, they would keep every page of the listing alive.
 * Ends with an error if the listing's signal aborted it: a partial listing is not the whole.
 */
export async function* listedRows<T extends { externalId: string }, R>(
  listing: Listing<T>,
  toRow: (item: T) => R,
  options: ListingOptions,
): AsyncGenerator<R> {
  const ids = new Set<string>();
  for await (const item of listing) {
    if (ids.has(item.externalId)) continue;
    ids.add(ownCopy(item.externalId));
    yield toRow(item);
  }
  options.signal?.throwIfAborted();
}

export interface ListingOptions {
  /**
   * The listing's own abort signal. A driver stops early, without an error, when it is aborted;
   * such a listing is partial, so the sync rolls back rather than take the rest for missing.
   */
  signal?: AbortSignal;
}
