import { useCallback, useMemo } from 'react';
import type { MachineFilters } from '../api/machines';
import { useUrlParams } from '../ui/useUrlParams';

const KEYS = ['q', 'cloud', 'state', 'provider', 'tag', 'owner', 'sort'] as const;
export type FilterKey = (typeof KEYS)[number];
/** Changes to the filters as the controls make them: a value, or '' to drop the filter. */
export type FilterChanges = Partial<Record<FilterKey, string>>;

export const DEFAULT_SORT = 'name';

/** The filters a URL's query asks for. */
export function filtersFromParams(params: URLSearchParams): MachineFilters {
  const out: MachineFilters = {};
  for (const k of KEYS) {
    const value = params.get(k)?.trim();
    // As the URL has them: the API checks the values.
    if (value) (out as Record<FilterKey, string>)[k] = value;
  }
  if (out.sort === DEFAULT_SORT) delete out.sort;
  return out;
}

/** The list's filters live in the URL, so a filtered view can be bookmarked and shared. */
export function useMachineFilters(): [MachineFilters, (changes: FilterChanges) => void] {
  const [params, setParams] = useUrlParams();
  const key = KEYS.map((k) => params.get(k) ?? '').join('\u0000');
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the values, not the object
  const filters = useMemo(() => filtersFromParams(params), [key]);

  const update = useCallback(
    (changes: FilterChanges) => {
      setParams(
        (next) => {
          for (const [k, v] of Object.entries(changes)) {
            if (v && !(k === 'sort' && v === DEFAULT_SORT)) next.set(k, v);
            else next.delete(k);
          }
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [filters, update];
}

export function hasFilters(filters: MachineFilters): boolean {
  return Boolean(
    filters.q || filters.cloud || filters.state || filters.provider || filters.tag || filters.owner,
  );
}
