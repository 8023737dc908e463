import { createDatabase, type Database } from '@overcast/db';
import type { Redis } from 'ioredis';
import { createLogger, type Logger } from './logger';
import { type MailMessage, mailEnabled, sendMail } from './mail';
import { openQueues, type Queues } from './queues';
import { createRedis } from './redis';
import { SecretBox } from './secrets';
import type { Settings } from './settings';

/** Sends email through the configured SMTP server. */
export interface Mailer {
  /** Whether smtp.host is set; without it, send() refuses. */
  readonly enabled: boolean;
  send(message: MailMessage): Promise<void>;
}

/** Everything a process holds open, built once at start and handed to core functions. */
export interface Runtime {
  settings: Settings;
  db: Database;
  /** Fail-fast connection for request paths, events and rate limits. */
  redis: Redis;
  /** Seals and opens credentials and keys with the key from settings. */
  box: SecretBox;
  queues: Queues;
  logger: Logger;
  mailer: Mailer;
  /** Closes the queues, Redis and the database. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Names the process in logs and in Postgres' application_name. */
  name: 'api' | 'worker';
  /** An already opened database (the api opens it first to report an unreachable Postgres). */
  db?: Database;
  logger?: Logger;
  /** Connections the database pool opens at most; the default suits the api. */
  poolSize?: number;
}

export function createRuntime(settings: Settings, options: RuntimeOptions): Runtime {
  const logger = options.logger ?? createLogger(settings.logLevel, options.name);
  const db =
    options.db ??
    createDatabase({
      url: settings.databaseUrl,
      applicationName: `overcast-${options.name}`,
      max: options.poolSize,
    });
  const redis = createRedis(settings.redisUrl);
  const queues = openQueues(settings.redisUrl, logger);
  return {
    settings,
    db,
    redis,
    box: new SecretBox(settings.secrets.credentialsKey),
    queues,
    logger,
    mailer: {
      enabled: mailEnabled(settings),
      send: (message) => sendMail(settings.smtp, message),
    },
    async close() {
      await Promise.allSettled([queues.close(), redis.quit(), db.close()]);
    },
  };
}
