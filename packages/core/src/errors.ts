import { ProviderError } from '@overcast/contracts';
import { findProviderModule } from '@overcast/providers/registry';

/** HTTP status for each kind of domain error; the api maps errors with it. */
export const DOMAIN_ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  provider_refused: 422,
  upgrade_required: 426,
  rate_limited: 429,
  internal: 500,
  provider_failed: 502,
  unavailable: 503,
  provider_timeout: 504,
} as const;
export type DomainErrorKind = keyof typeof DOMAIN_ERROR_STATUS;

/**
 * The one error meant for the person calling: it says what happened and what to do. Its code is
 * listed in the catalogue (`ERROR_CATALOGUE` in contracts); the api answers it as
 * `{ "error": { "code", "message", "field"? } }` with the kind's status.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    /** The input at fault (`query.resource`, `body.tags.env`), when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
  get status(): number {
    return DOMAIN_ERROR_STATUS[this.kind];
  }
}

export const notFound = (what: string) =>
  new DomainError(
    'not_found',
    `${what.toLowerCase().replace(/\s+/g, '_')}_not_found`,
    `${what} was not found.`,
  );

/** How errors name a provider ("The Docker engine"): its module's words, or the kind itself. */
export const providerName = (provider: string) => {
  const module = findProviderModule(provider);
  return module ? (module.errorName ?? module.label) : provider;
};

/** Turns a driver's ProviderError into words for a person, with the provider's own message. */
export function fromProviderError(provider: string, err: unknown, doing: string): DomainError {
  const mapped = mapProviderError(provider, err, doing);
  // Some providers' failures carry codes of their own (Docker's engine_unreachable,
  // tls_client_refused, ...) that tell the person which of several things to fix.
  const own = err instanceof ProviderError ? err.options.code : undefined;
  if (findProviderModule(provider)?.ownErrorCodes && own && /^[a-z_]+$/.test(own)) {
    return new DomainError(mapped.kind, own, mapped.message);
  }
  return mapped;
}

function mapProviderError(provider: string, err: unknown, doing: string): DomainError {
  const who = providerName(provider);
  if (!(err instanceof ProviderError)) {
    return new DomainError(
      'provider_failed',
      'provider_failed',
      `${who} failed while ${doing}: ${(err as Error)?.message ?? err}`,
    );
  }
  switch (err.kind) {
    case 'auth':
      return new DomainError(
        'provider_refused',
        'provider_auth_failed',
        `${who} refused the credentials while ${doing}: ${err.message} Check the keys and their permissions.`,
      );
    case 'invalid':
      return new DomainError(
        'provider_refused',
        'provider_refused',
        `${who} refused ${doing}: ${err.message}`,
      );
    case 'not-found':
      return new DomainError(
        'provider_refused',
        'provider_not_found',
        `${who} does not know it (${doing}): ${err.message}`,
      );
    case 'conflict':
      return new DomainError('conflict', 'provider_conflict', `${who} refused ${doing}: ${err.message}`);
    case 'throttled':
      return new DomainError(
        'provider_failed',
        'provider_throttled',
        `${who} is rate-limiting us (${doing}); try again in a minute. ${err.message}`,
      );
    default:
      return /timed? ?out|timeout/i.test(err.message)
        ? new DomainError(
            'provider_timeout',
            'provider_timeout',
            `${who} did not answer in time while ${doing}. ${err.message}`,
          )
        : new DomainError(
            'provider_failed',
            'provider_unavailable',
            `${who} is unavailable (${doing}): ${err.message}`,
          );
  }
}
