import { createMetricsRegistry } from '@overcast/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';

/** A route's label when no route matched (unknown paths, the web app's client-side routes). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * What the api process exports at /metrics. Requests are labelled by their route's template
 * (`/api/v1/machines/:id`), never the raw URL, so ids cannot multiply the series.
 */
export class ApiMetrics {
  readonly registry = createMetricsRegistry('api');

  readonly requests = new Counter({
    name: 'overcast_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestSeconds = new Histogram({
    name: 'overcast_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its answer, by route template and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly openStreams = new Gauge({
    name: 'overcast_open_event_streams',
    help: 'Live event streams (WebSockets on /api/v1/stream) open in this api process.',
    registers: [this.registry],
  });

  readonly openTerminals = new Gauge({
    name: 'overcast_open_terminals',
    help: 'Web terminals (WebSockets on /api/v1/machines/:id/shell) open in this api process.',
    registers: [this.registry],
  });

  /** Counts one answered request; `ms` is the time it took. */
  observeRequest(route: string | undefined, method: string, status: number, ms: number): void {
    const template = route ?? UNMATCHED_ROUTE;
    this.requests.inc({ route: template, method, status });
    this.requestSeconds.observe({ route: template, method }, ms / 1000);
  }
}
