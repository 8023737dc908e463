/** An answer in Compute Engine's error format: `{error: {code, message, errors, status}}`. */
export class GceApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status: string,
    readonly domain = 'global',
  ) {
    super(message);
  }

  body() {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: this.domain, reason: this.reason }],
        status: this.status,
      },
    };
  }
}

export const notFound = (resource: string) =>
  new GceApiError(404, 'notFound', `The resource '${resource}' was not found`, 'NOT_FOUND');

export const alreadyExists = (resource: string) =>
  new GceApiError(409, 'alreadyExists', `The resource '${resource}' already exists`, 'ALREADY_EXISTS');

export const invalidField = (field: string, message: string) =>
  new GceApiError(400, 'invalid', `Invalid value for field '${field}': ${message}`, 'INVALID_ARGUMENT');

export const badRequest = (reason: string, message: string) =>
  new GceApiError(400, reason, message, 'INVALID_ARGUMENT');

/** `why`, when given, follows Compute Engine's own sentence after a colon. */
export const notReady = (resource: string, why?: string) =>
  new GceApiError(
    400,
    'resourceNotReady',
    `The resource '${resource}' is not ready${why ? `: ${why}` : ''}`,
    'FAILED_PRECONDITION',
  );

export const unauthenticated = () =>
  new GceApiError(
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'UNAUTHENTICATED',
  );

export const forbidden = (permission: string, resource: string) =>
  new GceApiError(
    403,
    'forbidden',
    `Required '${permission}' permission for '${resource}'`,
    'PERMISSION_DENIED',
  );
