import { DomainError } from '../errors';
import type { Redis } from '../redis';

const PREFIX = 'overcast:ratelimit:';

/** A refusal for trying too often; the api answers 429 with Retry-After. */
export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    const wait = retryAfterSeconds === 1 ? '1 second' : `${retryAfterSeconds} seconds`;
    super('rate_limited', 'rate_limited', `Too many attempts. Try again in ${wait}.`);
  }
}

export interface BackoffPolicy {
  /** Failures in a row allowed before waits begin. */
  freeFailures: number;
  /** The longest wait, however many failures follow. */
  maxSeconds: number;
}

/** Failures are forgotten this long after the last one. */
const FAILURE_MEMORY_SECONDS = 86_400;

// Atomically: refuse while a wait runs; otherwise count this attempt as a failure in advance (a
// success clears it), so a burst of parallel guesses cannot all slip in before the first is counted.
const BEGIN_ATTEMPT = `
local waitEnd = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local now = tonumber(ARGV[1])
if waitEnd > now then return waitEnd - now end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local free = tonumber(ARGV[2])
if failures >= free then
  local wait = math.min(tonumber(ARGV[3]), 2 ^ math.min(failures - free, 30)) * 1000
  redis.call('HSET', KEYS[1], 'until', math.floor(now + wait))
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 0`;

/**
 * The one limiter for guessable things (passwords, second factors, tokens, invitation links), kept
 * in Redis so every api process shares it. When Redis is down the limits are skipped rather than
 * the logins: availability wins, and the limits resume with Redis.
 */
/** Redis answered with an error (a bug here), as opposed to not answering (Redis down). */
function assertUnreachable(err: unknown): void {
  if ((err as Error)?.name === 'ReplyError') throw err;
}

export class AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    /** How guesses against one account, token or link back off. */
    readonly policy: BackoffPolicy,
  ) {}

  /** Counts one hit in a fixed window; throws once more than `max` arrive within it. */
  async hit(key: string, max: number, windowSeconds: number): Promise<void> {
    let count: number;
    let ttl: number;
    try {
      const window = Math.floor(Date.now() / 1000 / windowSeconds);
      const full = `${PREFIX}${key}:${window}`;
      count = await this.redis.incr(full);
      if (count === 1) await this.redis.expire(full, windowSeconds + 1);
      ttl = windowSeconds - (Math.floor(Date.now() / 1000) % windowSeconds);
    } catch (err) {
      assertUnreachable(err);
      return;
    }
    if (count > max) throw new TooManyAttemptsError(Math.max(1, ttl));
  }

  /**
   * Starts a guess against one account (or token, or link): refused while its backoff runs; else
   * counted as a failure until `succeeded` clears it. Waits double after `freeFailures`, so the owner
   * is kept out for at most `maxSeconds` after the last wrong guess, never locked out for good.
   */
  async begin(key: string): Promise<void> {
    const { policy } = this;
    let waitMs: number;
    try {
      waitMs = Number(
        await this.redis.eval(
          BEGIN_ATTEMPT,
          1,
          `${PREFIX}backoff:${key}`,
          Date.now(),
          policy.freeFailures,
          policy.maxSeconds,
          FAILURE_MEMORY_SECONDS,
        ),
      );
    } catch (err) {
      assertUnreachable(err);
      return;
    }
    if (waitMs > 0) throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
  }

  /** Checks one guess under `key`'s backoff: a wrong one counts towards the next wait, a right one clears it. */
  async guess<T>(key: string, check: () => Promise<T>, isRight: (result: T) => boolean): Promise<T> {
    await this.begin(key);
    const result = await check();
    if (isRight(result)) await this.succeeded(key);
    return result;
  }

  /** The guess was right: its failures are forgotten. */
  async succeeded(key: string): Promise<void> {
    try {
      await this.redis.del(`${PREFIX}backoff:${key}`);
    } catch {
      // Redis down: nothing was counted either.
    }
  }
}
