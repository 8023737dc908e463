import { Queue } from 'bullmq';
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
      await Promise.allSettled([...opened.values()].map((queue) => closeQueue(queue)));
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

/**
 * Closes a queue once its connection has finished starting. BullMQ (5.81) closing a queue whose
 * connection is still starting drops its error listeners first, and the start's failure then
 * becomes an unhandled rejection. Waits at most `waitMs` for the start, for a Redis that is away.
 */
export async function closeQueue(queue: Queue, waitMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    queue.waitUntilReady().catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  await queue.close();
}
