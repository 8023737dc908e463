import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { parseRetryAfter } from '../common/retry';

/** The parts of the SDK's RestError (and identity's AuthenticationError) read here. */
interface SdkFailure {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
  errorResponse?: { error?: string; errorDescription?: string };
  cause?: unknown;
}

/**
 * ARM error codes that mean "not now, in this state" rather than bad input. Microsoft.Network
 * answers a subnet or security group still in use, and a rule priority taken meanwhile, with 400.
 */
const CONFLICTS = new Set([
  'OperationNotAllowed',
  'Conflict',
  'OperationPreempted',
  'RetryableError',
  'InUseSubnetCannotBeDeleted',
  'InUseNetworkSecurityGroupCannotBeDeleted',
  'SecurityRuleConflict',
]);

export function kindForHttp(status: number, code?: string): ProviderErrorKind {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412 || (code && CONFLICTS.has(code))) return 'conflict';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/** The ARM error body's { error: { code, message } }, when the SDK did not lift it already. */
function armBody(text: string | null | undefined): { code?: string; message?: string } {
  if (!text) return {};
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      code: typeof error?.code === 'string' ? error.code : undefined,
      message: typeof error?.message === 'string' ? error.message : undefined,
    };
  } catch {
    return {};
  }
}

/** The sign-in failures of @azure/identity (MSAL underneath). */
const IDENTITY_ERRORS = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);

/**
 * The failure as a plain cause: the SDK's RestError carries the request, bearer token included,
 * which must never reach a log. Its code stays, so the outbound guard's refusal is still seen.
 */
const plain = (e: SdkFailure) => ({
  name: e.name,
  code: e.code,
  statusCode: e.statusCode,
  message: e.message,
});

/** Any failure of the Azure SDK or its sign-in becomes a ProviderError in Azure's own words. */
export function toProviderError(err: unknown, timeoutMs: number, armWords?: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as SdkFailure;
  const cause = plain(e);
  if (e.name === 'AbortError')
    return new ProviderError('unavailable', `Azure did not answer within ${timeoutMs} ms`, { cause });
  if (e.name && IDENTITY_ERRORS.has(e.name)) {
    const text = e.errorResponse?.errorDescription ?? e.message ?? '';
    // Entra ID's own words (AADSTS…) say what is wrong with the tenant, application or secret.
    const aad = /AADSTS(\d+):.*?(?=\s+Trace ID:|\s+-\s+Timestamp:|\s+-\s+Correlation ID:|$)/s.exec(text);
    if (aad) return new ProviderError('auth', aad[0].trim(), { code: `AADSTS${aad[1]}`, cause });
    // MSAL could not read the tenant's OpenID configuration: Entra ID answers an unknown tenant
    // so, and MSAL keeps nothing more of the answer.
    if (text.includes('endpoints_resolution_error'))
      return new ProviderError(
        'auth',
        'Entra ID gave no sign-in endpoints for this tenant: check the tenant (directory) id and the login authority (MSAL: endpoints_resolution_error).',
        { code: 'endpoints_resolution_error', cause },
      );
    return new ProviderError('unavailable', `Azure sign-in failed: ${text}`, { cause });
  }
  if (typeof e.statusCode === 'number') {
    const body = armBody(e.response?.bodyAsText ?? armWords);
    const code = e.code ?? body.code;
    const message = body.message ?? e.message ?? `Azure answered HTTP ${e.statusCode}`;
    return new ProviderError(kindForHttp(e.statusCode, code), message, {
      status: e.statusCode,
      code,
      cause,
      retryAfterMs:
        e.statusCode === 429 || e.statusCode === 503
          ? parseRetryAfter(e.response?.headers?.get('retry-after'))
          : undefined,
    });
  }
  return new ProviderError('unavailable', `Azure unreachable: ${e.message ?? String(err)}`, {
    code: e.code,
    cause,
  });
}
