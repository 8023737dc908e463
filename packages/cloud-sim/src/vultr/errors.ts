import { ApiError } from '../common/token-api';

/** Vultr's error: a status and one sentence. */
export const vultrError = (status: number, message: string) => new ApiError(status, 'error', message);
