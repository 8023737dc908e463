export interface RateLimitOptions {
  /** Requests allowed per window (DigitalOcean: 5000 per hour). */
  limit: number;
  windowMs: number;
}

/**
 * Per-token request budget, reported the way DigitalOcean does: `ratelimit-limit`,
 * `ratelimit-remaining` and `ratelimit-reset` (Unix seconds). A fixed window keeps it cheap.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  /** Counts one request; `allowed` is false once the window's budget is spent. */
  take(
    token: string,
    now = Date.now(),
  ): { allowed: boolean; headers: Record<string, string>; retryAfterS: number } {
    let w = this.windows.get(token);
    if (!w || now - w.start >= this.options.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(token, w);
    }
    const allowed = w.used < this.options.limit;
    if (allowed) w.used += 1;
    const resetMs = w.start + this.options.windowMs;
    return {
      allowed,
      retryAfterS: Math.max(1, Math.ceil((resetMs - now) / 1000)),
      headers: {
        'ratelimit-limit': String(this.options.limit),
        'ratelimit-remaining': String(Math.max(0, this.options.limit - w.used)),
        'ratelimit-reset': String(Math.ceil(resetMs / 1000)),
      },
    };
  }
}
