import { DomainError } from '@overcast/core/errors';

// Shorthands for the refusals the api itself makes; everything else comes from core as DomainError.

export const forbidden = (message: string) => new DomainError('forbidden', 'forbidden', message);

export const unauthenticated = (
  message = 'You are not logged in, or your session has expired. Log in again.',
) => new DomainError('unauthenticated', 'unauthenticated', message);

export const upgradeRequired = () =>
  new DomainError(
    'upgrade_required',
    'upgrade_required',
    'This endpoint is a WebSocket; connect with ws:// or wss://.',
  );
