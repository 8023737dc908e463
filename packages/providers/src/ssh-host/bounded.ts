/**
 * Runs `fn` over `items` with at most `limit` in flight and yields results as they finish.
 * `fn` must not throw (wrap failures into results). Stops yielding once `signal` aborts.
 */
export async function* mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const running = new Map<number, Promise<[number, R]>>();
  let next = 0;
  const launch = () => {
    const i = next++;
    running.set(
      i,
      fn(items[i] as T).then((r) => [i, r]),
    );
  };
  while (next < items.length && running.size < limit) launch();
  while (running.size > 0) {
    const [i, result] = await Promise.race(running.values());
    running.delete(i);
    if (signal?.aborted) return;
    if (next < items.length) launch();
    yield result;
  }
}
