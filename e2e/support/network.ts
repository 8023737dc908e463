import { createServer } from 'node:net';
import { startRedisServer } from '../../test/support/redis';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

/**
 * A redis-server of this stack's own. Two stacks on one Redis would run each other's poll
 * jobs (the queue names are fixed), and a job for a cloud the other stack doesn't know is skipped.
 */
export async function redisUrl(): Promise<{ url: string; release: () => Promise<void> }> {
  const server = await startRedisServer();
  return { url: server.url(0), release: () => server.stop() };
}

/** Polls a URL until it answers 200, failing early if `failFast` reports a reason. */
export async function waitForOk(
  url: string,
  { timeoutMs = 60_000, failFast }: { timeoutMs?: number; failFast?: () => string | null } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reason = failFast?.();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s (last: ${last})`);
}
