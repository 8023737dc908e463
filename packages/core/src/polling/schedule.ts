import type { Runtime, Settings } from '@overcast/runtime';
import { queueWithin } from '../automation/queue-timeout';

export const POLL_KINDS = ['machines', 'volumes', 'networks', 'catalog'] as const;
export type PollKind = (typeof POLL_KINDS)[number];
export interface PollJobData {
  cloudId: string;
}

/** Lower numbers run first; "Refresh now" and a new cloud's first sync go before the schedule. */
const REFRESH_PRIORITY = 1;
const SCHEDULED_PRIORITY = 10;

export const pollSchedulerId = (cloudId: string, kind: PollKind) => `poll:${cloudId}:${kind}`;

interface SchedulableCloud {
  id: string;
  enabled: boolean;
  pollIntervalSeconds: number | null;
}

function everyMs(cloud: SchedulableCloud, kind: PollKind, settings: Settings): number {
  if (kind === 'catalog') return settings.poll.catalogSeconds * 1000;
  return (cloud.pollIntervalSeconds ?? settings.poll.machinesSeconds) * 1000;
}

/** One job scheduler per cloud and kind; a disabled cloud has none. */
export async function schedulePolls(
  runtime: Pick<Runtime, 'queues' | 'settings'>,
  cloud: SchedulableCloud,
): Promise<void> {
  if (!cloud.enabled) return unschedulePolls(runtime, cloud.id);
  const { queues, settings } = runtime;
  for (const kind of POLL_KINDS) {
    await queues.poll.upsertJobScheduler(
      pollSchedulerId(cloud.id, kind),
      { every: everyMs(cloud, kind, settings) },
      {
        name: kind,
        data: { cloudId: cloud.id } satisfies PollJobData,
        // BullMQ runs jobs without a priority before any with one: scheduled polls carry a
        // lower one than "Refresh now", so a person's refresh never waits behind the schedule.
        opts: { removeOnComplete: 100, removeOnFail: 100, priority: SCHEDULED_PRIORITY },
      },
    );
  }
}

export async function unschedulePolls(runtime: Pick<Runtime, 'queues'>, cloudId: string): Promise<void> {
  for (const kind of POLL_KINDS) await runtime.queues.poll.removeJobScheduler(pollSchedulerId(cloudId, kind));
}

/**
 * "Refresh now": polls every kind at once, outside the schedule. Best effort: when Redis
 * does not take the jobs within a few seconds the next scheduled poll catches up, so a
 * Redis outage never hangs the request that asked. Returns whether the jobs were queued.
 */
export async function refreshNow(
  runtime: Pick<Runtime, 'queues'>,
  cloudId: string,
  timeoutMs = 3_000,
): Promise<boolean> {
  return queueWithin(
    Promise.all(POLL_KINDS.map((kind) => queueRefresh(runtime.queues.poll, cloudId, kind))),
    timeoutMs,
  );
}

/** Slots per cloud and kind: a poll running (or two) and one waiting is as many as helps. */
const REFRESH_SLOTS = 3;
const WAITING = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/**
 * Queues one refresh poll unless one of the same cloud and kind is already waiting to start:
 * that one lists after this request, so it shows what changed (a burst of a stack's 20 creates
 * queues one poll per kind, not 20). One already running does not count, as it may have listed
 * before the change, so the refresh takes the next slot.
 */
async function queueRefresh(
  queue: Runtime['queues']['poll'],
  cloudId: string,
  kind: PollKind,
): Promise<void> {
  for (let slot = 0, tries = 0; slot < REFRESH_SLOTS && tries < 2 * REFRESH_SLOTS; tries++) {
    const jobId = `refresh-${cloudId}-${kind}-${slot}`;
    await queue.add(kind, { cloudId } satisfies PollJobData, {
      jobId,
      priority: REFRESH_PRIORITY,
      removeOnComplete: true,
      removeOnFail: true,
    });
    const state = await queue.getJobState(jobId);
    if (WAITING.has(state)) return;
    // Finished between the two calls: the slot is free again. Running: try the next one.
    if (state === 'active') slot += 1;
  }
  // Every slot busy (a slow provider): a poll of its own rather than none.
  await queue.add(kind, { cloudId } satisfies PollJobData, {
    priority: REFRESH_PRIORITY,
    removeOnComplete: 100,
    removeOnFail: 100,
  });
}

/**
 * Machine polls after a change, while the provider settles: a new machine's address, a started
 * one's state. Without them the change shows at the next scheduled poll, a minute later.
 */
export const SETTLE_POLL_DELAYS_MS = [5_000, 15_000, 30_000] as const;
/** Changes this close together share their settling polls. */
const SETTLE_BUCKET_MS = 5_000;

/** After machines were made or acted on: a poll of everything now, and the settling polls. */
export async function refreshAfterChange(
  runtime: Pick<Runtime, 'queues'>,
  cloudId: string,
  now = Date.now(),
  timeoutMs = 3_000,
): Promise<boolean> {
  const settling = runtime.queues.poll.addBulk(
    SETTLE_POLL_DELAYS_MS.map((delay) => ({
      name: 'machines' satisfies PollKind,
      data: { cloudId } satisfies PollJobData,
      opts: {
        delay,
        priority: REFRESH_PRIORITY,
        // One id per cloud and moment: a burst of changes (a stack's machines) adds each once.
        jobId: `settle-${cloudId}-${Math.ceil((now + delay) / SETTLE_BUCKET_MS)}`,
        removeOnComplete: true,
        removeOnFail: true,
      },
    })),
  );
  const [queued] = await Promise.all([
    refreshNow(runtime, cloudId, timeoutMs),
    queueWithin(settling, timeoutMs),
  ]);
  return queued;
}

/**
 * Postgres is the source of truth: makes the schedulers in Redis match the enabled clouds
 * (after a Redis restart, a missed delete, or a settings change), removing strays.
 */
export async function reconcilePollSchedules(
  runtime: Pick<Runtime, 'db' | 'queues' | 'settings'>,
): Promise<number> {
  const { settings } = runtime;
  const queue = runtime.queues.poll;
  const clouds = await runtime.db.prisma.cloud.findMany({
    select: { id: true, enabled: true, pollIntervalSeconds: true, lastPollAt: true },
  });
  for (const cloud of clouds) {
    await schedulePolls(runtime, cloud);
    // Overdue (never polled, or a worker died mid-poll): poll now rather than at the next tick.
    const overdue =
      !cloud.lastPollAt || Date.now() - cloud.lastPollAt.getTime() > 2 * everyMs(cloud, 'machines', settings);
    if (cloud.enabled && overdue) await refreshNow(runtime, cloud.id);
  }
  const wanted = new Set(
    clouds.filter((c) => c.enabled).flatMap((c) => POLL_KINDS.map((k) => pollSchedulerId(c.id, k))),
  );
  let removed = 0;
  for (const s of await queue.getJobSchedulers(0, -1)) {
    const key = s.key ?? s.id;
    if (key?.startsWith('poll:') && !wanted.has(key)) {
      await queue.removeJobScheduler(key);
      removed += 1;
    }
  }
  return removed;
}
