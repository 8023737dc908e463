import { ProviderError } from '@overcast/contracts';

/** How to reach an engine, parsed from a DOCKER_HOST-style address and its TLS material. */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls: DockerTls | null }
  | { kind: 'ssh'; ssh: DockerSshHost; socketPath: string };

/** A host Overcast logs in to over SSH, whose engine socket is forwarded through the session. */
export interface DockerSshHost {
  address: string;
  port: number;
  username: string;
  /** Pinned host key (SHA256:...); null accepts the first one seen. */
  hostKeyFingerprint: string | null;
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

export interface DockerTls {
  ca: string;
  cert: string;
  key: string;
}

export interface DockerCredentials {
  /** DOCKER_CERT_PATH's ca.pem, cert.pem and key.pem, pasted. */
  ca?: string;
  cert?: string;
  key?: string;
  /** The SSH login, for an ssh:// engine. */
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

export interface DockerConfig {
  endpoint: DockerEndpoint;
  /** Shown as the machines' location and "host". */
  label: string;
  /** Per request (not the event stream). Default 30 s. */
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----/;

function tlsOf(credentials: DockerCredentials): DockerTls | null {
  const { ca, cert, key } = credentials;
  const given = [ca, cert, key].filter((v) => typeof v === 'string' && v.trim() !== '');
  if (given.length === 0) return null;
  if (given.length !== 3) {
    throw new ProviderError(
      'invalid',
      'TLS needs all three files from DOCKER_CERT_PATH: ca.pem, cert.pem and key.pem. Paste each one whole.',
    );
  }
  for (const [name, value] of [
    ['ca.pem', ca],
    ['cert.pem', cert],
    ['key.pem', key],
  ] as const) {
    if (!PEM.test(value as string)) {
      throw new ProviderError(
        'invalid',
        `${name} is not PEM text; paste the whole file, from "-----BEGIN" to the "-----END ...-----" line.`,
        { code: 'tls_material_invalid' },
      );
    }
  }
  return { ca: ca as string, cert: cert as string, key: key as string };
}

/**
 * Reads `host` the way the docker CLI reads DOCKER_HOST: unix:///path, tcp://host:port
 * (2376 with TLS, 2375 without), or a bare /path to a socket.
 */
export function readConfig(
  raw: Record<string, unknown> = {},
  credentials: DockerCredentials = {},
): DockerConfig {
  const host = typeof raw.host === 'string' ? raw.host.trim() : '';
  if (!host) {
    throw new ProviderError(
      'invalid',
      'Give the engine address (DOCKER_HOST), e.g. unix:///var/run/docker.sock or tcp://docker.example.com:2376.',
    );
  }
  const tls = tlsOf(credentials);
  const timeouts = {
    requestTimeoutMs: typeof raw.requestTimeoutMs === 'number' ? raw.requestTimeoutMs : 30_000,
    connectTimeoutMs: typeof raw.connectTimeoutMs === 'number' ? raw.connectTimeoutMs : 10_000,
  };
  if (host.startsWith('unix://') || host.startsWith('/')) {
    const socketPath = host.startsWith('unix://') ? host.slice('unix://'.length) : host;
    if (!socketPath.startsWith('/')) {
      throw new ProviderError('invalid', `${host} is not a socket path; use unix:///var/run/docker.sock.`);
    }
    return { endpoint: { kind: 'unix', socketPath }, label: socketPath, ...timeouts };
  }
  if (host.startsWith('tcp://') || host.startsWith('https://') || host.startsWith('http://')) {
    let url: URL;
    try {
      url = new URL(host.replace(/^tcp:/, tls ? 'https:' : 'http:'));
    } catch {
      throw new ProviderError('invalid', `${host} is not a valid address; use tcp://host:2376.`);
    }
    if (host.startsWith('https://') && !tls) {
      throw new ProviderError(
        'invalid',
        'An https:// engine needs the TLS files (ca.pem, cert.pem, key.pem).',
      );
    }
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
    return {
      endpoint: { kind: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port, tls },
      label: `${url.hostname}:${port}`,
      ...timeouts,
    };
  }
  if (host.startsWith('ssh://')) {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new ProviderError('invalid', `${host} is not a valid address; use ssh://user@host[:port].`);
    }
    const username = decodeURIComponent(url.username);
    if (!username) throw new ProviderError('invalid', `Say which user to log in as: ssh://user@${url.host}.`);
    if (!credentials.privateKey && !credentials.password) {
      throw new ProviderError(
        'invalid',
        'An ssh:// engine needs the SSH private key (or password) of that user.',
      );
    }
    const socketPath =
      typeof raw.socketPath === 'string' && raw.socketPath ? raw.socketPath : '/var/run/docker.sock';
    if (!socketPath.startsWith('/'))
      throw new ProviderError('invalid', `${socketPath} is not an absolute socket path.`);
    const address = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : 22;
    return {
      endpoint: {
        kind: 'ssh',
        socketPath,
        ssh: {
          address,
          port,
          username,
          hostKeyFingerprint:
            typeof raw.hostKeyFingerprint === 'string' && raw.hostKeyFingerprint
              ? raw.hostKeyFingerprint
              : null,
          privateKey: credentials.privateKey,
          passphrase: credentials.passphrase,
          password: credentials.password,
        },
      },
      label: `${username}@${address}${port === 22 ? '' : `:${port}`}:${socketPath}`,
      ...timeouts,
    };
  }
  throw new ProviderError(
    'invalid',
    `${host} is not an engine address Overcast understands; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.`,
  );
}
