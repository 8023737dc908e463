import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { parseRetryAfter } from '../common/retry';

/** What the SDK puts on its errors (service exceptions and transport failures alike). */
interface SdkErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

const THROTTLED = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

const AUTH = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'OptInRequired',
  'Blocked',
  'PendingVerification',
  'AccountDisabled',
  'ExpiredToken',
  'RequestExpired',
  'UnrecognizedClientException',
  'AccessDenied',
  'AccessDeniedException',
]);

const CONFLICT = new Set([
  'IncorrectInstanceState',
  'IncorrectState',
  'VolumeInUse',
  'InvalidKeyPair.Duplicate',
  'IdempotentParameterMismatch',
  'DependencyViolation',
  'ResourceInUse',
  // Route 53: a caller reference used before, a zone that still holds records.
  'HostedZoneAlreadyExists',
  'HostedZoneNotEmpty',
]);

/** Server-side conditions EC2 reports with a code; retrying later may succeed. */
const UNAVAILABLE = new Set([
  'InternalError',
  'InternalFailure',
  'Unavailable',
  'ServiceUnavailable',
  'InsufficientInstanceCapacity',
  'InsufficientAddressCapacity',
  'InsufficientCapacity',
  'InsufficientVolumeCapacity',
]);

/** Transport failures: nothing (or nothing usable) came back from the endpoint. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

function classify(code: string, status: number | undefined, err: SdkErrorLike): ProviderErrorKind {
  if (err.name === 'TimeoutError' || (err.code && NETWORK.has(err.code))) return 'unavailable';
  if (THROTTLED.has(code) || status === 429) return 'throttled';
  if (AUTH.has(code) || status === 401 || status === 403) return 'auth';
  if (code.endsWith('.NotFound') || code === 'NotFound' || status === 404) return 'not-found';
  if (CONFLICT.has(code) || status === 409) return 'conflict';
  if (UNAVAILABLE.has(code) || (status !== undefined && status >= 500)) return 'unavailable';
  if (status !== undefined && status >= 400) return 'invalid';
  // No HTTP status at all, or a 2xx the SDK could not read: the endpoint misbehaved.
  return 'unavailable';
}

function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/**
 * Maps an SDK failure to a ProviderError. The message is EC2's own (`AWS was not able to
 * validate the provided access credentials`), trimmed; `code` keeps EC2's error code.
 */
export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Unknown';
  const kind = classify(code, status, e);
  let message = (e.message ?? '').trim();
  if (message === '' || message === 'Unknown' || message === 'UnknownError') {
    message = status !== undefined ? `EC2 answered HTTP ${status} without an error message` : code;
  }
  return new ProviderError(kind, message, {
    status,
    code,
    retryAfterMs: parseRetryAfter(header(e.$response?.headers, 'retry-after')),
    cause: err,
  });
}
