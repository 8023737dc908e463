/** Queue names shared by the api (which enqueues) and the worker (which processes). */
export const QUEUES = {
  maintenance: 'maintenance',
  poll: 'poll',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Redis key prefix for everything BullMQ stores, so one Redis can be shared safely. */
export const QUEUE_PREFIX = 'overcast';

/** A worker writes this key every few seconds; its absence means the worker is gone. */
export const workerHeartbeatKey = (id: string) => `overcast:worker:heartbeat:${id}`;
export const WORKER_HEARTBEAT_TTL_SECONDS = 30;
