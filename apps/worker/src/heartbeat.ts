import { hostname } from 'node:os';
import { type Redis, WORKER_HEARTBEAT_TTL_SECONDS, workerHeartbeatKey } from '@overcast/runtime';

export const workerId = () => `${hostname()}:${process.pid}`;
export const hostHeartbeatKey = () => workerHeartbeatKey(hostname());

/** Liveness: refreshes a short-lived key; the container healthcheck and the api read it. */
export function startHeartbeat(redis: Redis): () => Promise<void> {
  const beat = () =>
    redis
      .multi()
      .set(workerHeartbeatKey(workerId()), new Date().toISOString(), 'EX', WORKER_HEARTBEAT_TTL_SECONDS)
      .set(hostHeartbeatKey(), new Date().toISOString(), 'EX', WORKER_HEARTBEAT_TTL_SECONDS)
      .exec()
      .catch(() => {});
  void beat();
  const timer = setInterval(beat, 10_000);
  return async () => {
    clearInterval(timer);
    await redis.del(workerHeartbeatKey(workerId())).catch(() => {});
  };
}
