import { ProviderError } from '@overcast/contracts';
import { SshError, sshToProviderError } from '@overcast/ssh';

const TLS_SERVER_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The engine's words, or what went wrong before it could answer, as a ProviderError with a
 * code of its own: unreachable engine, untrusted server, refused client certificate, bad PEM.
 */
export function dockerError(err: unknown, where: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof SshError) return sshToProviderError(err);
  const e = (err ?? {}) as {
    statusCode?: number;
    json?: { message?: string } | Buffer | string | null;
    code?: string;
    message?: string;
    reason?: string;
  };
  const message = String(e.message ?? err);
  if (typeof e.statusCode === 'number') {
    const json = e.json as { message?: string } | null | undefined;
    const said =
      (json && typeof json === 'object' && !Buffer.isBuffer(json) && json.message) ||
      (Buffer.isBuffer(e.json) ? e.json.toString() : typeof e.json === 'string' ? e.json : '') ||
      message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
    const status = e.statusCode;
    const kind =
      status === 404
        ? 'not-found'
        : status === 409 || status === 304
          ? 'conflict'
          : status === 400
            ? 'invalid'
            : status === 401 || status === 403
              ? 'auth'
              : 'unavailable';
    return new ProviderError(kind, said.trim() || `The engine answered ${status}.`, { status, cause: err });
  }
  const code = e.code ?? '';
  if (TLS_SERVER_UNTRUSTED.has(code)) {
    return new ProviderError(
      'auth',
      `The engine at ${where} presented a certificate that ca.pem does not vouch for (${code}). Paste the ca.pem of the CA that signed the daemon's certificate.`,
      { code: 'tls_server_untrusted', cause: err },
    );
  }
  if (
    /alert (bad certificate|certificate required|unknown ca|certificate unknown)|CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA/i.test(
      `${code} ${message}`,
    )
  ) {
    return new ProviderError(
      'auth',
      `The engine at ${where} refused the client certificate. Paste the cert.pem and key.pem issued by the CA the daemon trusts (its --tlscacert).`,
      { code: 'tls_client_refused', cause: err },
    );
  }
  if (/PEM|KEY_VALUES_MISMATCH|bad decrypt|asn1|DECODER/i.test(`${code} ${message}`)) {
    return new ProviderError(
      'invalid',
      `The TLS files could not be used (${message}). Check that key.pem is the private key of cert.pem and that neither is encrypted.`,
      { code: 'tls_material_invalid', cause: err },
    );
  }
  if (code === 'ENOENT') {
    return new ProviderError(
      'unavailable',
      `No Docker socket at ${where}. Is the engine running there, and is the path right?`,
      {
        code: 'engine_unreachable',
        cause: err,
      },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ProviderError(
      'auth',
      `Overcast may not open ${where}. Add the user it runs as to the docker group, or mount the socket with access for it.`,
      { code: 'socket_permission', cause: err },
    );
  }
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EPIPE',
    ].includes(code) ||
    /socket hang up|timeout/i.test(message)
  ) {
    return new ProviderError(
      'unavailable',
      `The Docker engine at ${where} cannot be reached (${code || message}). Check that it runs and listens there, and that no firewall is in the way.`,
      { code: 'engine_unreachable', cause: err },
    );
  }
  return new ProviderError('unavailable', `The Docker engine at ${where} failed: ${message}`, { cause: err });
}
