/** An error whose status, code and message are meant for the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** The input at fault (`query.resource`, `body.tags.env`), when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string, code = 'not_found') =>
  new HttpError(404, code, `${what} was not found.`);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const unauthenticated = () =>
  new HttpError(401, 'unauthenticated', 'You are not logged in, or your session has expired. Log in again.');
