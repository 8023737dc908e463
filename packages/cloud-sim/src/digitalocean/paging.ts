const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 200;

function intParam(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  return Number(value);
}

/**
 * Slices one page and builds DigitalOcean's `links.pages` (absolute URLs; first/prev only past
 * page 1, next/last only before the end) and `meta.total`. Out-of-range pages are empty.
 */
export function paginate<T>(items: readonly T[], url: URL, origin: string) {
  const perPage = Math.min(
    MAX_PER_PAGE,
    Math.max(1, intParam(url.searchParams.get('per_page'), DEFAULT_PER_PAGE)),
  );
  const page = Math.max(1, intParam(url.searchParams.get('page'), 1));
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number) => {
    const q = new URLSearchParams(url.searchParams);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    return `${origin}${url.pathname}?${q.toString()}`;
  };
  const pages: Record<string, string> = {};
  if (page > 1) {
    pages.first = link(1);
    pages.prev = link(Math.min(page - 1, lastPage));
  }
  if (page < lastPage) {
    pages.next = link(page + 1);
    pages.last = link(lastPage);
  }
  return { slice, links: Object.keys(pages).length > 0 ? { pages } : {}, meta: { total } };
}
