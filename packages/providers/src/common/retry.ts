import { OUTBOUND_REFUSED, ProviderError } from '@overcast/contracts';

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts?: number;
  /** First backoff; doubles each time, with jitter, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /**
   * False for calls that must not run twice (creates): an outage may have happened after the
   * provider acted, so only throttling (refused before acting) is retried. Default true.
   */
  idempotent?: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Whether the outbound guard refused the address, anywhere in the error's chain of causes. */
function refusedByGuard(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === OUTBOUND_REFUSED) return true;
  }
  return false;
}

/**
 * Throttling and transient outages are worth another try; auth, bad input and an address the
 * outbound guard refuses are not.
 */
export function isRetryable(err: unknown, idempotent = true): err is ProviderError {
  return (
    err instanceof ProviderError &&
    (err.kind === 'throttled' || (idempotent && err.kind === 'unavailable')) &&
    !refusedByGuard(err)
  );
}

/**
 * Runs `fn`, retrying throttled/unavailable ProviderErrors with exponential backoff.
 * A Retry-After from the provider wins over our own backoff when it is longer.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 20_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err, options.idempotent ?? true) || attempt >= attempts) throw err;
      const backoff = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      const wait = Math.min(max, Math.max(backoff, err.retryAfterMs ?? 0));
      await sleep(wait, options.signal);
    }
  }
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
