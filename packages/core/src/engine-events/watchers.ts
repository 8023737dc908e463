import { createHash, randomUUID } from 'node:crypto';
import { PROVIDER_MODULES } from '@overcast/providers/registry';
import { containerKinds } from '../clouds/modules';
import type { WatchRuntime } from '../runtime';
import { EngineWatcher, type WatcherOptions } from './watcher';

/** Redis key naming the worker that follows a cloud's engine events. */
export const engineWatchLeaseKey = (cloudId: string) => `overcast:engine-watch:${cloudId}`;

const LEASE_MS = 30_000;

// Renews the lease only while it is still ours.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One event watcher per enabled Docker cloud, across all workers: each cloud's watcher runs
 * where it holds a Redis lease, so two workers never follow the same engine. Reconciled
 * against Postgres like the poll schedules; a changed cloud (new address or certificates)
 * gets a fresh watcher.
 */
export class EngineWatchers {
  private readonly watchers = new Map<string, { watcher: EngineWatcher; version: string }>();
  private readonly owner = randomUUID();

  constructor(
    private readonly runtime: WatchRuntime,
    private readonly options: WatcherOptions = {},
  ) {}

  /** Cloud ids watched by this process. */
  watching(): string[] {
    return [...this.watchers.keys()];
  }

  watcher(cloudId: string): EngineWatcher | undefined {
    return this.watchers.get(cloudId)?.watcher;
  }

  async reconcile(): Promise<void> {
    const { db, redis } = this.runtime;
    const clouds = await db.prisma.cloud.findMany({
      where: { provider: { in: containerKinds(PROVIDER_MODULES) }, enabled: true },
      select: { id: true, credentials: true, config: true, endpoint: true },
    });
    // What the watcher was built from; polls touch the row's other columns all the time.
    const versionOf = (c: (typeof clouds)[number]) =>
      createHash('sha256')
        .update(c.credentials)
        .update(JSON.stringify(c.config))
        .update(c.endpoint ?? '')
        .digest('hex');
    const wanted = new Map(clouds.map((c) => [c.id, versionOf(c)]));
    for (const [cloudId, entry] of this.watchers) {
      const version = wanted.get(cloudId);
      const kept =
        version === entry.version &&
        Number(await redis.eval(RENEW, 1, engineWatchLeaseKey(cloudId), this.owner, LEASE_MS)) === 1;
      if (!kept) await this.drop(cloudId);
    }
    for (const [cloudId, version] of wanted) {
      if (this.watchers.has(cloudId)) continue;
      const got = await redis.set(engineWatchLeaseKey(cloudId), this.owner, 'PX', LEASE_MS, 'NX');
      if (got !== 'OK') continue;
      const watcher = new EngineWatcher(cloudId, this.runtime, this.options);
      this.watchers.set(cloudId, { watcher, version });
      watcher.start();
    }
  }

  private async drop(cloudId: string): Promise<void> {
    const entry = this.watchers.get(cloudId);
    this.watchers.delete(cloudId);
    await entry?.watcher.stop();
    await this.runtime.redis.eval(RELEASE, 1, engineWatchLeaseKey(cloudId), this.owner).catch(() => {});
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.watchers.keys()].map((id) => this.drop(id)));
  }
}
