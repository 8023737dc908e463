import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import { SshError, type SshErrorKind } from './errors';

// How SSH failures read to the provider layer: credentials and identity problems are `auth`
// (not worth retrying), network trouble is `unavailable` (worth retrying), bad input `invalid`.
const KIND: Record<SshErrorKind, ProviderErrorKind> = {
  auth: 'auth',
  key: 'auth',
  'host-key-mismatch': 'auth',
  unreachable: 'unavailable',
  timeout: 'unavailable',
  closed: 'unavailable',
  dns: 'unavailable',
  protocol: 'invalid',
  invalid: 'invalid',
};

/** Wraps an SshError (or anything thrown near one) as a ProviderError; `code` carries the SSH kind. */
export function sshToProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof SshError) {
    // A name that does not exist will not start existing on retry; a DNS hiccup might pass.
    const kind = err.kind === 'dns' && err.code !== 'EAI_AGAIN' ? 'invalid' : KIND[err.kind];
    return new ProviderError(kind, err.message, { code: err.kind, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('unavailable', message, { cause: err });
}
