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
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...options,
  };
  return destination ? pino(config, destination) : pino(config);
}

export type { Logger };
