import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { parseRetryAfter } from '../common/retry';

/** The parts of an axios error we read; described structurally so axios stays an indirect dependency. */
interface HttpFailure {
  message?: string;
  code?: string;
  response?: { status: number; data?: unknown; headers?: unknown };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const value = typeof h.get === 'function' ? h.get(name) : h[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** Retry-After wins; failing that, the moment `ratelimit-reset` (Unix seconds) says the budget refills. */
function retryAfterMs(headers: unknown): number | undefined {
  const explicit = parseRetryAfter(header(headers, 'retry-after'));
  if (explicit !== undefined) return explicit;
  const reset = Number(header(headers, 'ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
}

function kindFor(status: number, message: string): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  // 422 covers both bad input and "not now" (a pending event, already in that state).
  if (status === 422 && /pending event|already/i.test(message)) return 'conflict';
  return 'invalid';
}

/** Turns whatever the HTTP client threw into a ProviderError carrying DigitalOcean's own message. */
export function toProviderError(err: unknown, timeoutMs: number): ProviderError {
  if (err instanceof ProviderError) return err;
  const failure = (err ?? {}) as HttpFailure;
  const res = failure.response;
  if (res && typeof res.status === 'number') {
    const body = res.data as { id?: unknown; message?: unknown } | undefined;
    const message =
      body && typeof body.message === 'string' && body.message !== '' ? body.message : `HTTP ${res.status}`;
    return new ProviderError(kindFor(res.status, message), message, {
      status: res.status,
      code: body && typeof body.id === 'string' ? body.id : undefined,
      retryAfterMs: res.status === 429 || res.status === 503 ? retryAfterMs(res.headers) : undefined,
      cause: err,
    });
  }
  if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT') {
    return new ProviderError('unavailable', `DigitalOcean did not answer within ${timeoutMs} ms`, {
      code: failure.code,
      cause: err,
    });
  }
  return new ProviderError('unavailable', `DigitalOcean unreachable: ${failure.message ?? String(err)}`, {
    code: failure.code,
    cause: err,
  });
}
