/** The API answered with a non-2xx status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait, from a Retry-After header (429, 503). */
    readonly retryAfterSeconds: number | null = null,
    /** The input at fault as the API names it (`body.name`, `body.tags.env`, `query.resource`). */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

/** The request never got an HTTP answer: server down, offline, DNS, CORS, aborted proxy. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(options?: { cause?: unknown }) {
    super("Can't reach the Overcast server.", options);
  }
}

/**
 * Which input of a form an error is about, given the form's field names (as in the request
 * body): `body.tags.env` belongs to `tags`. Null when the error names no field, or one the form
 * does not have; the form then shows the message at its top, so it is never lost.
 */
export function errorField<F extends string>(error: unknown, fields: readonly F[]): F | null {
  if (!(error instanceof ApiError) || !error.field) return null;
  const path = error.field.replace(/^(body|query|params)\./, '');
  return fields.find((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`)) ?? null;
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

// What a reverse proxy answers when the API behind it is down.
const GATEWAY_STATUSES = new Set([502, 503, 504]);

/**
 * A sentence for a person. The API writes its messages for people (a provider's refusal
 * carries the provider's own words), so those are shown as they are.
 */
export function errorText(error: unknown): string {
  if (error instanceof NetworkError)
    return "Can't reach the Overcast server. Check your connection and try again.";
  if (error instanceof ApiError) {
    if (GATEWAY_STATUSES.has(error.status) && error.code.startsWith('http_')) {
      return "Can't reach the Overcast server. Check your connection and try again.";
    }
    if (error.status === 429) {
      const wait = error.retryAfterSeconds;
      return wait
        ? `Too many requests; try again in ${wait} s.`
        : 'Too many requests; try again in a moment.';
    }
    if (error.status >= 500 && error.code.startsWith('http_')) {
      return 'The server ran into a problem. Try again in a moment.';
    }
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
