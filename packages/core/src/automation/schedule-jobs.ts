import type { Schedule } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { triggerOf } from './schedule-view';
import { intervalAnchor } from './triggers';

export interface ScheduleJobData {
  scheduleId: string;
  /** For one-date schedules: the date it was due (schedulers carry theirs in the job). */
  dueMs?: number;
}

export const scheduleJobId = (id: string) => `schedule:${id}`;
// BullMQ refuses ":" in custom job ids.
const onceJobId = (id: string) => `schedule-once-${id}`;

const JOB_OPTS = { removeOnComplete: 200, removeOnFail: 200 };

/** Whether the schedule can still fire: enabled, not past its end, runs left. */
export function isLive(s: Schedule, now = new Date()): boolean {
  if (!s.enabled) return false;
  if (s.endsAt && s.endsAt <= now) return false;
  if (s.maxRuns !== null && s.runCount >= s.maxRuns) return false;
  if (s.triggerKind === 'once' && s.runCount > 0) return false;
  return true;
}

/**
 * Makes Redis hold exactly what one schedule needs: a BullMQ job scheduler for cron and interval
 * triggers, a delayed job for one date, nothing when it cannot fire. Derived from the row alone,
 * so calling it again (worker start, after a Redis restart) changes nothing.
 */
export async function syncScheduleJobs(
  runtime: Pick<Runtime, 'queues'>,
  s: Schedule,
  now = new Date(),
): Promise<void> {
  const queue = runtime.queues.schedules;
  const id = scheduleJobId(s.id);
  if (!isLive(s, now)) {
    await queue.removeJobScheduler(id);
    await queue.remove(onceJobId(s.id)).catch(() => 0);
    return;
  }
  const trigger = triggerOf(s);
  const data: ScheduleJobData = { scheduleId: s.id };
  if (trigger.kind === 'once') {
    await queue.removeJobScheduler(id);
    // A date missed while no worker ran (or Redis was empty) still runs, late, once: its slot is
    // claimed in Postgres. Cron and interval slots missed that way are skipped, not caught up.
    const due = new Date(trigger.runAt).getTime();
    // A changed date replaces the waiting job; a job already running keeps its id and is left be.
    await queue.remove(onceJobId(s.id)).catch(() => 0);
    await queue.add(
      'fire',
      { ...data, dueMs: due },
      { ...JOB_OPTS, jobId: onceJobId(s.id), delay: Math.max(0, due - now.getTime()) },
    );
    return;
  }
  await queue.remove(onceJobId(s.id)).catch(() => 0);
  if (trigger.kind === 'cron') {
    await queue.upsertJobScheduler(
      id,
      {
        pattern: trigger.cron,
        tz: trigger.timezone ?? 'UTC',
        ...(s.startsAt ? { startDate: s.startsAt } : {}),
        ...(s.endsAt ? { endDate: s.endsAt } : {}),
      },
      { name: 'fire', data, opts: JOB_OPTS },
    );
    return;
  }
  const every = trigger.intervalSeconds * 1000;
  // The grid's phase, so slots fall on anchor + k*every whoever (re)creates the scheduler.
  const offset = ((intervalAnchor(s, s.createdAt).getTime() % every) + every) % every;
  await queue.upsertJobScheduler(
    id,
    { every, offset: offset === 0 ? every : offset, ...(s.endsAt ? { endDate: s.endsAt } : {}) },
    { name: 'fire', data, opts: JOB_OPTS },
  );
}

export async function removeScheduleJobs(
  runtime: Pick<Runtime, 'queues'>,
  scheduleId: string,
): Promise<void> {
  const queue = runtime.queues.schedules;
  await queue.removeJobScheduler(scheduleJobId(scheduleId));
  await queue.remove(onceJobId(scheduleId)).catch(() => 0);
}

/** What this process last wrote to Redis for each schedule, so a periodic check skips the unchanged. */
const written = new Map<string, string>();
const signature = (s: Schedule) => `${s.updatedAt.getTime()}|${s.runCount}|${s.enabled}`;

/**
 * Postgres is the source of truth: rebuilds the jobs of every schedule whose row changed since
 * this process last wrote them, or whose jobs Redis no longer has (a restart that lost them), and
 * removes schedulers of schedules that are gone. Run at worker start, when Redis comes back, and
 * now and then. Returns how many strays were removed.
 */
export async function reconcileSchedules(runtime: Pick<Runtime, 'db' | 'queues'>): Promise<number> {
  const queue = runtime.queues.schedules;
  const schedules = await runtime.db.prisma.schedule.findMany();
  const present = new Set((await queue.getJobSchedulers(0, -1)).map((j) => j.key ?? j.id));
  const wanted = new Set<string>();
  const now = new Date();
  const seen = new Set<string>();
  for (const s of schedules) {
    seen.add(s.id);
    const live = isLive(s, now);
    const key = scheduleJobId(s.id);
    if (live && s.triggerKind !== 'once') wanted.add(key);
    const inRedis =
      s.triggerKind === 'once'
        ? live
          ? Boolean(await queue.getJob(onceJobId(s.id)))
          : false
        : present.has(key);
    if (written.get(s.id) === signature(s) && inRedis === live) continue;
    await syncScheduleJobs(runtime, s, now);
    written.set(s.id, signature(s));
  }
  for (const id of written.keys()) if (!seen.has(id)) written.delete(id);
  let removed = 0;
  for (const key of present) {
    if (key?.startsWith('schedule:') && !wanted.has(key)) {
      await queue.removeJobScheduler(key);
      removed += 1;
    }
  }
  return removed;
}
