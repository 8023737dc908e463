// Listings made of several sources (EC2's regions, a DigitalOcean listing's later pages): each
// source's items in order, while the next few sources already wait on their first answer, so
// the provider's latency overlaps the parsing of what has arrived instead of adding up.

/**
 * The items of `sources` one source after another, in order, with at most `ahead` sources
 * started at once (the one being drained and those after it). A source starts when its first
 * item is asked for; a failure surfaces when its turn comes. Once `signal` aborts, it ends
 * quietly before the next source (the caller says whether that is a failure). Stopping early
 * closes every source already started.
 */
export async function* concatAhead<T>(
  sources: readonly (() => AsyncIterator<T>)[],
  ahead: number,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const started: { it: AsyncIterator<T>; first: Promise<IteratorResult<T>> }[] = [];
  const start = (i: number) => {
    const it = sources[i]!();
    const first = it.next();
    // Awaited in its turn; until then its failure must not count as unhandled.
    first.catch(() => {});
    started[i] = { it, first };
  };
  let current = 0;
  try {
    for (; current < sources.length; current++) {
      if (signal?.aborted) return;
      const last = Math.min(sources.length, current + Math.max(1, ahead));
      for (let i = current; i < last; i++) if (!started[i]) start(i);
      const { it, first } = started[current]!;
      for (let r = await first; !r.done; r = await it.next()) yield r.value;
    }
  } finally {
    // Sources still open (stopped early, or one failed): close them, ignoring their failures.
    await Promise.allSettled(
      started.slice(current).map(async (s) => {
        if (!s) return;
        await s.first.catch(() => {});
        await s.it.return?.();
      }),
    );
  }
}
