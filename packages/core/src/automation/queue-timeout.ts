/**
 * Waits for a queue call at most `ms`. BullMQ waits for a Redis that is down rather than failing,
 * which would hang the request that asked; the row is already in Postgres, and the worker's
 * reconcile queues it once Redis is back. Returns whether the call finished in time.
 */
export async function queueWithin(work: Promise<unknown>, ms = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
