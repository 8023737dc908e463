// Per-item calls after one list (a guest's addresses, a VM's details), a few at a time: the
// drivers of the pinned APIs (Proxmox VE, vCenter) list this way, yielding as each batch ends.

/** Runs `fn` over `items`, at most `limit` at once, keeping order. */
export async function mapInOrder<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Each item with what `fn` made of it, in order, in batches of four times `concurrency`, so a
 * long list is neither held whole nor asked for all at once. Stops quietly when `signal` aborts.
 */
export async function* inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (t: T) => Promise<R>,
  signal: AbortSignal,
): AsyncGenerator<[T, R]> {
  const batch = concurrency * 4;
  for (let i = 0; i < items.length; i += batch) {
    if (signal.aborted) return;
    const chunk = items.slice(i, i + batch);
    const results = await mapInOrder(chunk, concurrency, fn, signal);
    if (signal.aborted) return;
    for (const [j, item] of chunk.entries()) yield [item, results[j]!];
  }
}
