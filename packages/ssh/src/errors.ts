/**
 * What went wrong with an SSH connection or command, in words an operator can act on.
 *
 * - `auth`: the server refused the key or password.
 * - `key`: the private key itself is unusable (malformed, encrypted without a passphrase, wrong passphrase).
 * - `unreachable`: nothing answered at that address (refused, no route).
 * - `dns`: the host name does not resolve.
 * - `timeout`: no answer in time (connect, handshake, keepalive or command).
 * - `host-key-mismatch`: the server presented a different host key than expected.
 * - `closed`: the connection ended while in use.
 * - `protocol`: the peer does not speak SSH we can use (wrong port, no common algorithms).
 * - `invalid`: a value cannot be sent at all (NUL in an argument, bad environment name).
 */
export type SshErrorKind =
  | 'auth'
  | 'key'
  | 'unreachable'
  | 'dns'
  | 'timeout'
  | 'host-key-mismatch'
  | 'closed'
  | 'protocol'
  | 'invalid';

export interface SshErrorDetails {
  /** Node's socket error code (ECONNREFUSED, ENOTFOUND...) when there was one. */
  code?: string;
  /** For `host-key-mismatch`: the fingerprint the caller expected. */
  expectedFingerprint?: string;
  /** For `host-key-mismatch`: the fingerprint the server presented. */
  actualFingerprint?: string;
  cause?: unknown;
}

export class SshError extends Error {
  override readonly name = 'SshError';
  readonly code: string | undefined;
  readonly expectedFingerprint: string | undefined;
  readonly actualFingerprint: string | undefined;

  constructor(
    readonly kind: SshErrorKind,
    message: string,
    details: SshErrorDetails = {},
  ) {
    super(message, { cause: details.cause });
    this.code = details.code;
    this.expectedFingerprint = details.expectedFingerprint;
    this.actualFingerprint = details.actualFingerprint;
  }
}

/** Who we were talking to, for messages. */
export interface Endpoint {
  host: string;
  port: number;
  username: string;
  /** Which credentials were offered, to say what was refused. */
  method: 'key' | 'password' | 'key-and-password';
}

const where = (e: Endpoint) => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);

/** Turns what ssh2 or the socket reported before the session was ready into an SshError. */
export function connectError(err: unknown, endpoint: Endpoint, connectTimeoutMs: number): SshError {
  if (err instanceof SshError) return err;
  const e = err as (Error & { code?: string; level?: string }) | undefined;
  const code = e?.code;
  const level = e?.level;
  const addr = where(endpoint);
  const raw = e?.message ?? String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return new SshError(
        'unreachable',
        `Nothing accepted a connection at ${addr} (connection refused). Check the address and port, and that the SSH server is running.`,
        { code, cause: err },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new SshError(
        'unreachable',
        `${addr} cannot be reached (${code === 'ENETUNREACH' ? 'no route to the network' : 'no route to the host'}). Check the address, the network and any firewall in between.`,
        { code, cause: err },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new SshError(
        'dns',
        code === 'EAI_AGAIN'
          ? `The name '${endpoint.host}' could not be resolved right now (DNS did not answer). Try again, or use an IP address.`
          : `The name '${endpoint.host}' does not resolve to an address. Check the spelling, or use an IP address.`,
        { code, cause: err },
      );
    case 'ETIMEDOUT':
      return new SshError(
        'timeout',
        `Connecting to ${addr} timed out. Check the address, and that a firewall is not silently dropping the connection.`,
        { code, cause: err },
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return new SshError(
        'closed',
        `${addr} closed the connection during the SSH handshake. The server may limit connections or reject this client.`,
        { code, cause: err },
      );
  }
  if (level === 'client-authentication') {
    const user = endpoint.username;
    const message =
      endpoint.method === 'key'
        ? `The server refused the key for user '${user}'. Check that its public key is in ~/.ssh/authorized_keys on the host.`
        : endpoint.method === 'password'
          ? `The server refused the password for user '${user}'. Check the password, and that the server allows password logins (PasswordAuthentication yes).`
          : `The server refused both the key and the password for user '${user}'. Check that the public key is in ~/.ssh/authorized_keys on the host, or the password.`;
    return new SshError('auth', message, { cause: err });
  }
  if (level === 'client-timeout') {
    return new SshError(
      'timeout',
      `${addr} did not complete the SSH handshake within ${Math.round(connectTimeoutMs / 1000)} s. Check that this address and port belong to an SSH server.`,
      { cause: err },
    );
  }
  if (/lost before handshake/i.test(raw)) {
    return new SshError(
      'closed',
      `${addr} closed the connection before the SSH handshake. The server may be limiting connections (MaxStartups) or rejecting this client.`,
      { cause: err },
    );
  }
  // ssh2's parser throws without a level (bad identification, bad packets); sockets always carry a code.
  if (level === 'protocol' || level === 'handshake' || (!level && !code)) {
    return new SshError(
      'protocol',
      `${addr} did not complete an SSH handshake (${raw}). Check that the port belongs to an SSH server.`,
      { cause: err },
    );
  }
  return new SshError('closed', `The connection to ${addr} failed: ${raw}`, { code, cause: err });
}
