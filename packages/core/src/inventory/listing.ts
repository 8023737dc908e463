import { ownCopy } from '@overcast/contracts';

/** Resources as a provider lists them: all at once, or page by page as they arrive. */
export type Listing<T> = Iterable<T> | AsyncIterable<T>;

/**
 * A check passing each id once, the first time it is listed: a provider listing an id twice
 * (pagination overlap) must not fail the poll. The ids kept are copies: as slices of the pages
 * they were read from, they would keep every page of the listing alive.
 */
export function firstListings(): (externalId: string) => boolean {
  const ids = new Set<string>();
  return (id) => {
    if (ids.has(id)) return false;
    ids.add(ownCopy(id));
    return true;
  };
}

export interface ListingOptions {
  /**
   * The listing's own abort signal. A driver stops early, without an error, when it is aborted;
   * such a listing is partial, so the sync rolls back rather than take the rest for missing.
   */
  signal?: AbortSignal;
}
