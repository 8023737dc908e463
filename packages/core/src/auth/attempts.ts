import { randomUUID } from 'node:crypto';
import type { Redis } from '@overcast/runtime';
import { DomainError } from '../errors';

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

// The hits of the last window, by time; a refused hit is not recorded, so refusals end on time.
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0`;

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

// A guess turned out wrong: its wait runs from now, not from when the (slow) check began.
const FAILED_ATTEMPT = `
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
local free = tonumber(ARGV[2])
if failures >= free then
  local wait = math.min(tonumber(ARGV[3]), 2 ^ math.min(failures - free, 30)) * 1000
  redis.call('HSET', KEYS[1], 'until', math.floor(tonumber(ARGV[1]) + wait))
end
return 0`;

/** Redis answered with an error (a bug here), as opposed to not answering (Redis down). */
function assertUnreachable(err: unknown): void {
  if ((err as Error)?.name === 'ReplyError') throw err;
}

/**
 * The one limiter for guessable things (passwords, second factors, tokens, invitation links), kept
 * in Redis so every api process shares it. When Redis is down the limits are skipped rather than
 * the logins: availability wins, and the limits resume with Redis.
 */
export class AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    /** How guesses against one account, token or link back off. */
    readonly policy: BackoffPolicy,
  ) {}

  /** Counts one hit in a sliding window; throws once `max` have arrived within the last `windowSeconds`. */
  async hit(key: string, max: number, windowSeconds: number): Promise<void> {
    let waitMs: number;
    try {
      waitMs = Number(
        await this.redis.eval(
          SLIDING_WINDOW,
          1,
          `${PREFIX}${key}`,
          Date.now(),
          windowSeconds * 1000,
          max,
          randomUUID(),
        ),
      );
    } catch (err) {
      assertUnreachable(err);
      return;
    }
    if (waitMs > 0) throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
  }

  /**
   * Starts a guess against one account (or token, or link): refused while its backoff runs; else
   * counted as a failure until `succeeded` clears it. Waits double after `freeFailures`, so the owner
   * is kept out for at most `maxSeconds` after the last wrong guess, never locked out for good.
   */
  async begin(key: string): Promise<void> {
    const waitMs = await this.run(BEGIN_ATTEMPT, key);
    if (waitMs > 0) throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
  }

  /** Runs a backoff script on `key`; 0 (no wait) when Redis does not answer. */
  private async run(script: string, key: string): Promise<number> {
    const { policy } = this;
    try {
      return Number(
        await this.redis.eval(
          script,
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
      return 0;
    }
  }

  /** Checks one guess under `key`'s backoff: a wrong one counts towards the next wait, a right one clears it. */
  async guess<T>(key: string, check: () => Promise<T>, isRight: (result: T) => boolean): Promise<T> {
    await this.begin(key);
    const result = await check();
    if (isRight(result)) await this.succeeded(key);
    else await this.run(FAILED_ATTEMPT, key);
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
