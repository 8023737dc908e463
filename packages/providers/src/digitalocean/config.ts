/** Non-secret settings a DigitalOcean cloud may carry in `DriverInit.config`. */
export interface DigitalOceanConfig {
  /** Items per list page, 1..200 (DigitalOcean's maximum). Default 200. */
  perPage: number;
  /** Pages of one listing asked at once, once the first tells how many there are. Default 4. */
  pageConcurrency: number;
  /** Per-request timeout. Default 15 s. */
  requestTimeoutMs: number;
  /** Attempts per call including the first, for throttling and outages. Default 5. */
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /**
   * How long `stop` waits for the graceful shutdown before giving up on it. When DigitalOcean
   * reports the shutdown failed within this time, the droplet is powered off hard. 0 = don't wait.
   */
  shutdownWaitMs: number;
  /** Interval between polls of a pending action. Default 2 s. */
  actionPollMs: number;
  /** Give new droplets a public IPv6 address. Default false (DigitalOcean's default). */
  ipv6: boolean;
}

const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;

export function readConfig(raw: Record<string, unknown> = {}): DigitalOceanConfig {
  return {
    perPage: Math.trunc(num(raw.perPage, 200, 1, 200)),
    pageConcurrency: Math.trunc(num(raw.pageConcurrency, 4, 1, 16)),
    requestTimeoutMs: num(raw.requestTimeoutMs, 15_000, 1, 600_000),
    retryAttempts: Math.trunc(num(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: num(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: num(raw.retryMaxDelayMs, 20_000, 0, 600_000),
    shutdownWaitMs: num(raw.shutdownWaitMs, 60_000, 0, 3_600_000),
    actionPollMs: num(raw.actionPollMs, 2_000, 1, 60_000),
    ipv6: raw.ipv6 === true,
  };
}

/** The API root always ends in /v2; an endpoint override may be given with or without it. */
export function apiRoot(endpoint: string | null | undefined): string {
  const base = (endpoint ?? 'https://api.digitalocean.com').replace(/\/+$/, '');
  return base.endsWith('/v2') ? base : `${base}/v2`;
}
