import { useCallback, useRef } from 'react';
import { type NavigateOptions, useSearchParams } from 'react-router-dom';

/**
 * The URL's query, and a setter that builds on the last query asked for. React Router hands an
 * updater the query of the last render, and a navigation through a route's loader renders a
 * little later: a second change made in between (a filter chosen right after "Clear") would
 * otherwise be applied to the old query and bring back what the first change removed.
 */
export function useUrlParams(): [
  URLSearchParams,
  (change: (next: URLSearchParams) => void, options?: NavigateOptions) => void,
] {
  const [params, setParams] = useSearchParams();
  // What the last change asked for, and the rendered query it was made from.
  const pending = useRef<{ from: string; to: URLSearchParams } | null>(null);
  const update = useCallback(
    (change: (next: URLSearchParams) => void, options?: NavigateOptions) => {
      const rendered = params.toString();
      const last = pending.current;
      // Still the query it was made from: that change has not rendered yet, so build on it.
      // Anything else (it rendered, or the back button moved the URL) starts from the URL.
      const next = new URLSearchParams(last && last.from === rendered ? last.to : params);
      change(next);
      pending.current = { from: rendered, to: next };
      setParams(next, options);
    },
    [params, setParams],
  );
  return [params, update];
}
