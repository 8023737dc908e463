import { createHash, timingSafeEqual } from 'node:crypto';
import { METRICS_TOKEN_REFUSED } from '@overcast/contracts';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric a process exports starts with this, its own and Node's process metrics alike. */
export const METRICS_PREFIX = 'overcast_';

/**
 * The one registry of a process (api or worker), with Node's process metrics (CPU, memory,
 * event loop lag, handles) already in it. Each `service` label tells the two apart in Grafana.
 */
export function createMetricsRegistry(service: 'api' | 'worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  return registry;
}

/** What a /metrics request gets: off (no token set), refused (wrong or no token), or the metrics. */
export type MetricsAccess = 'off' | 'refused' | 'allowed';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Holds an Authorization header to `metrics.token`. Compared as hashes in constant time, so
 * neither the token's characters nor its length leak through timing.
 */
export function metricsAccess(token: string, authorization: string | undefined): MetricsAccess {
  if (!token) return 'off';
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token)) ? 'allowed' : 'refused';
}

/** The answer while metrics are off: the same 404 as a path nobody serves, saying how to turn them on. */
export const METRICS_OFF = {
  code: 'not_found',
  message: 'Metrics are off: set metrics.token (OVERCAST_METRICS_TOKEN) to serve them.',
} as const;

/** The refusal of a missing or wrong token, as the api's error body says it. */
export const METRICS_REFUSAL = {
  code: METRICS_TOKEN_REFUSED,
  message:
    'The metrics token is missing or wrong: send "Authorization: Bearer <token>" with the token in metrics.token.',
} as const;
