import { ApiError } from '../common/token-api';

// What the emulator's accounts and domains share.

/** Ids are unique across the emulator, as they are across Linode. */
export class LinodeIds {
  private n = 50_000_000;
  next = () => ++this.n;
}

/** Linode's error: HTTP 400 naming the field, with its own reason. */
export const fieldError = (field: string | null, reason: string) =>
  Object.assign(new ApiError(400, 'invalid', reason), { field });
