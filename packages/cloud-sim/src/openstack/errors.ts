/**
 * An OpenStack error answer. Keystone writes `{ error: { code, message, title } }`; Nova and
 * Cinder `{ <fault>: { code, message } }` (badRequest, itemNotFound, conflictingRequest,
 * overLimit, computeFault...); `fault` is the key.
 */
export class OsError extends Error {
  constructor(
    readonly status: number,
    readonly fault: string,
    message: string,
    readonly title?: string,
  ) {
    super(message);
  }

  body(): unknown {
    if (this.fault === 'error')
      return { error: { code: this.status, message: this.message, title: this.title ?? 'Error' } };
    return { [this.fault]: { code: this.status, message: this.message } };
  }
}

export const badRequest = (message: string) => new OsError(400, 'badRequest', message);
export const itemNotFound = (message: string) => new OsError(404, 'itemNotFound', message);
export const conflicting = (message: string) => new OsError(409, 'conflictingRequest', message);
