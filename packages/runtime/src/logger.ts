import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Paths that may carry secrets anywhere in a log line; pino replaces them before writing. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'credentials',
  'token',
  'secret',
  'privateKey',
  'passphrase',
  'otp',
  '*.otp',
  '*.codes',
  '*.totpSecret',
  '*.password',
  '*.credentials',
  '*.token',
  '*.secret',
  '*.secrets',
  '*.privateKey',
  '*.passphrase',
  '*.sessionSecret',
  '*.credentialsKey',
  'body.password',
  'body.credentials',
];

/** Query parameters whose values are secrets: invite links' tokens, and the usual names of others. */
const SECRET_PARAM = /token|code|otp|pass|secret|key|sig|auth|session|ticket|credential/i;

/** A chat action link's page, /act/<token>, also when it rides in a query (?next=%2Fact%2F...). */
const ACTION_LINK_PATH = /(\/|%2F)act(\/|%2F)[^/?&#]+/gi;

/** The URL with the values of secret-bearing query parameters and action-link tokens replaced, for logs. */
export function redactUrl(raw: string): string {
  const url = raw.replace(ACTION_LINK_PATH, '$1act$2[redacted]');
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // A malformed name is judged as written.
      }
      return eq !== -1 && SECRET_PARAM.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** How a request is logged (Fastify's fields), with secrets in its query string redacted. */
const serializers = {
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

export function createLogger(
  level: string,
  name: string,
  options: LoggerOptions = {},
  destination?: DestinationStream,
): Logger {
  const config: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...options,
  };
  return destination ? pino(config, destination) : pino(config);
}

export type { Logger };
