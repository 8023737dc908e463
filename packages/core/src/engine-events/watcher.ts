import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineEvent } from '@overcast/providers';
import { containerDriverOf } from '../clouds';
import { featuresOf } from '../clouds/modules';
import { type PollOutcome, pollCloud } from '../polling';
import type { WatchRuntime } from '../runtime';

/** Engine actions after which the container list differs (exec_* and the like do not count). */
const CHANGES = new Set([
  'create',
  'start',
  'restart',
  'die',
  'stop',
  'kill',
  'oom',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'update',
  'health_status',
]);

export const isInventoryChange = (e: EngineEvent): boolean =>
  e.type === 'container' && CHANGES.has(e.action.split(':')[0] as string);

export interface WatcherOptions {
  /** First reconnect delay; doubles per failure up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called after each sync the events caused (tests and benchmarks measure with it). */
  onSync?: (outcome: PollOutcome, cause: 'event' | 'gap') => void;
}

/**
 * Follows one Docker cloud's engine event stream and applies each change through the same
 * inventory path a poll takes (list, diff, write, publish), so the browser hears of it at once.
 * A lost stream is reopened with backoff; every (re)opened stream is followed by a sync,
 * filling whatever happened while no one listened. The scheduled poll stays the safety net.
 */
export class EngineWatcher {
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  /** A sync is under way; `again` asks for one more after it (events that came meanwhile). */
  private syncing: Promise<void> | null = null;
  private again = false;
  private volumesDue = false;
  /** Consecutive failures to open the stream. */
  failures = 0;
  connected = false;

  constructor(
    readonly cloudId: string,
    private readonly runtime: WatchRuntime,
    private readonly options: WatcherOptions = {},
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.syncing;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    while (!signal.aborted) {
      let opened = false;
      try {
        const cloud = await this.runtime.db.prisma.cloud.findUnique({ where: { id: this.cloudId } });
        if (!cloud?.enabled || !featuresOf(cloud.provider).containers) return;
        const driver = await containerDriverOf(this.runtime, cloud);
        await driver.watchEvents(
          signal,
          (e) => {
            if (!isInventoryChange(e)) return;
            if (e.action === 'destroy' || e.action === 'create') this.volumesDue = true;
            this.requestSync('event');
          },
          () => {
            opened = true;
            this.connected = true;
            if (this.failures > 0)
              this.runtime.logger.info({ cloudId: this.cloudId }, 'engine event stream back');
            this.failures = 0;
            this.requestSync('gap');
          },
        );
        if (!signal.aborted) this.runtime.logger.warn({ cloudId: this.cloudId }, 'engine event stream ended');
      } catch (err) {
        if (signal.aborted) break;
        this.runtime.logger.warn(
          { cloudId: this.cloudId, err: (err as Error).message, failures: this.failures + 1 },
          'engine event stream lost',
        );
      }
      this.connected = false;
      if (signal.aborted) break;
      if (!opened) this.failures++;
      const delay = Math.min(max, min * 2 ** Math.min(this.failures, 16));
      // Jitter, so many engines restarting together do not reconnect in step.
      await sleep(delay * (0.75 + Math.random() * 0.5), undefined, { signal }).catch(() => {});
    }
  }

  /** Syncs now, or right after the sync under way; many events during one sync cost one more. */
  private requestSync(cause: 'event' | 'gap'): void {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = this.sync(cause).finally(() => {
      this.syncing = null;
      if (this.again && !this.abort.signal.aborted) {
        this.again = false;
        this.requestSync('event');
      }
    });
  }

  private async sync(cause: 'event' | 'gap'): Promise<void> {
    try {
      const outcome = await pollCloud(this.runtime, this.cloudId, 'machines');
      this.options.onSync?.(outcome, cause);
      if (outcome.status === 'ok' && outcome.changes > 0) {
        this.runtime.logger.info(
          { cloudId: this.cloudId, cause, ...outcome },
          'inventory changed (engine events)',
        );
      } else if (outcome.status === 'error') {
        this.runtime.logger.warn(
          { cloudId: this.cloudId, cause, error: outcome.message },
          'event-driven sync failed',
        );
      }
      if (this.volumesDue || cause === 'gap') {
        this.volumesDue = false;
        await pollCloud(this.runtime, this.cloudId, 'volumes');
      }
    } catch (err) {
      this.runtime.logger.warn(
        { cloudId: this.cloudId, err: (err as Error).message },
        'event-driven sync failed',
      );
    }
  }
}
