import { Queue as BullQueue, RedisConnection } from 'bullmq';
import type { Logger } from 'pino';

/** Queue names shared by the api (which enqueues) and the worker (which processes). */
export const QUEUES = {
  maintenance: 'maintenance',
  poll: 'poll',
  /** Metric collection and rollups. */
  metrics: 'metrics',
  /** Alert rule evaluation (and the actions it triggers). */
  rules: 'rules',
  /** Script runs (one job per run; the run fans out to its machines). */
  scripts: 'scripts',
  /** Schedule firings and the expiration sweep. */
  schedules: 'schedules',
  /** Stack workflows: one job per machine and per step, in BullMQ flows. */
  stacks: 'stacks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Redis key prefix for everything BullMQ stores, so one Redis can be shared safely. */
export const QUEUE_PREFIX = 'overcast';

/** A worker writes this key every few seconds; its absence means the worker is gone. */
export const workerHeartbeatKey = (id: string) => `overcast:worker:heartbeat:${id}`;
export const WORKER_HEARTBEAT_TTL_SECONDS = 30;

export interface BullConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

/**
 * BullMQ passes its connection options to ioredis, which ignores a `url` key, so the
 * settings' Redis URL must be taken apart: redis[s]://[user:password@]host[:port][/db].
 * Blocking workers need maxRetriesPerRequest: null.
 */
export function bullConnection(redisUrl: string): BullConnection {
  const u = new URL(redisUrl);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: Number(u.pathname.replace('/', '') || 0),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * A queue's connection to Redis. Closing one that is still starting removes its listeners (BullMQ
 * 5.81), and when the start then fails it emits 'error' to nobody, which throws inside a promise
 * handler: an unhandled rejection. An error nobody listens for any more is dropped instead. Every
 * queue, worker and flow producer is opened with it.
 */
export class QueueConnection extends RedisConnection {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }
}

/**
 * BullMQ's queue, whose job scheduler (and legacy repeat) is reached only once the connection is
 * ready. BullMQ (5.81) builds them in an async promise executor that awaits the connection: when
 * Redis is away and the queue closes, that await rejects where no caller can catch it, and the
 * caller's promise never settles. Here the caller gets the failure.
 */
export class Queue extends BullQueue {
  private closeStarted: (() => void) | undefined;
  private readonly closedFirst = new Promise<never>((_, reject) => {
    this.closeStarted = () => reject(new Error(`Queue ${this.name} closed before Redis was reached`));
  });

  constructor(name: string, opts: ConstructorParameters<typeof BullQueue>[1]) {
    super(name, opts, QueueConnection);
    this.closedFirst.catch(() => {});
  }

  /** Resolves once Redis is reached; rejects with the connection's error, or when closed first. */
  private reached(): Promise<unknown> {
    return Promise.race([this.waitUntilReady(), this.closedFirst]);
  }

  override get jobScheduler() {
    return this.reached().then(() => super.jobScheduler);
  }

  override get repeat() {
    return this.reached().then(() => super.repeat);
  }

  override async close(): Promise<void> {
    this.closeStarted?.();
    await super.close();
  }
}

export type QueueKey = keyof typeof QUEUES;

/** Every queue, opened on first use; the api touches a few, the worker all of them. */
export type Queues = { readonly [K in QueueKey]: Queue } & { close(): Promise<void> };

/**
 * The one place queues are opened. A queue's connection error (Redis restarting, or closing
 * during shutdown) is logged, not fatal.
 */
export function openQueues(redisUrl: string, logger: Logger): Queues {
  const connection = bullConnection(redisUrl);
  const opened = new Map<QueueKey, Queue>();
  const queues = {
    async close() {
      await Promise.allSettled([...opened.values()].map((queue) => queue.close()));
    },
  } as Queues;
  for (const key of Object.keys(QUEUES) as QueueKey[]) {
    Object.defineProperty(queues, key, {
      enumerable: true,
      get() {
        let queue = opened.get(key);
        if (!queue) {
          const name = QUEUES[key];
          queue = new Queue(name, { connection, prefix: QUEUE_PREFIX });
          queue.on('error', (err) =>
            logger.warn({ queue: name, err: err.message }, 'queue connection error'),
          );
          opened.set(key, queue);
        }
        return queue;
      },
    });
  }
  return queues;
}
