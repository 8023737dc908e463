/** An answer in DigitalOcean's error format: HTTP status plus `{id, message}`. */
export class DoApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = () =>
  new DoApiError(404, 'not_found', 'The resource you were accessing could not be found.');

export const unprocessable = (message: string) => new DoApiError(422, 'unprocessable_entity', message);

export const badRequest = (message: string) => new DoApiError(400, 'bad_request', message);
