import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';

/** gRPC status codes google-gax puts on its errors. */
const GRPC_TO_HTTP: Record<number, number> = {
  3: 400, // INVALID_ARGUMENT
  5: 404, // NOT_FOUND
  6: 409, // ALREADY_EXISTS
  7: 403, // PERMISSION_DENIED
  8: 429, // RESOURCE_EXHAUSTED
  9: 412, // FAILED_PRECONDITION
  10: 409, // ABORTED
  13: 500, // INTERNAL
  14: 503, // UNAVAILABLE
  16: 401, // UNAUTHENTICATED
};
const DEADLINE_EXCEEDED = 4;
const CANCELLED = 1;

/** google-gax keeps the raw error body under this registered symbol. */
const RAW_PAYLOAD = Symbol.for('google-gax.rawHttpResponsePayload');

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'backendRateLimitExceeded']);

interface GaxFailure {
  code?: number;
  httpStatusCode?: number;
  message?: string;
  cause?: unknown;
  [RAW_PAYLOAD]?: unknown;
}

/** The first `errors[].reason` and the message from Compute Engine's error body, when present. */
function errorBody(err: GaxFailure): { reason?: string; message?: string } {
  const raw = err[RAW_PAYLOAD];
  let body: unknown = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const error = (body as { error?: { message?: unknown; errors?: Array<{ reason?: unknown }> } } | null)
    ?.error;
  if (!error || typeof error !== 'object') return {};
  const reason = error.errors?.[0]?.reason;
  return {
    reason: typeof reason === 'string' ? reason : undefined,
    message: typeof error.message === 'string' ? error.message : undefined,
  };
}

export function kindForHttp(status: number, reason?: string): ProviderErrorKind {
  if (reason && RATE_REASONS.has(reason)) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  // "not ready" means the resource is in the wrong state for this request right now.
  if (reason === 'resourceNotReady' || reason === 'resourceInUseByAnotherResource') return 'conflict';
  return 'invalid';
}

/** Turns a google-gax failure into a ProviderError carrying Google's own message. */
export function toProviderError(err: unknown, timeoutMs: number): ProviderError {
  // Our token exchange reports its own ProviderErrors; gax wraps them as `cause`.
  let inner: unknown = err;
  for (let depth = 0; inner && depth < 6; depth++) {
    if (inner instanceof ProviderError) return inner;
    inner = (inner as { cause?: unknown }).cause;
  }
  const failure = (err ?? {}) as GaxFailure;
  const body = errorBody(failure);
  const message = body.message ?? failure.message ?? String(err);
  const status =
    failure.httpStatusCode ?? (failure.code !== undefined ? GRPC_TO_HTTP[failure.code] : undefined);
  if (failure.httpStatusCode === undefined && failure.code === DEADLINE_EXCEEDED) {
    return new ProviderError('unavailable', `Compute Engine did not answer within ${timeoutMs} ms`, {
      cause: err,
    });
  }
  if (failure.httpStatusCode === undefined && failure.code === CANCELLED) {
    return new ProviderError('unavailable', 'The request was cancelled', { cause: err });
  }
  if (status === undefined) {
    return new ProviderError('unavailable', `Compute Engine unreachable: ${message}`, { cause: err });
  }
  return new ProviderError(kindForHttp(status, body.reason), message, {
    status,
    code: body.reason,
    cause: err,
  });
}
