import { fireSchedule, type ScheduleJobData } from '@overcast/core/automation';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

/** When the job was due: a one-date job says so; a scheduler's job carries its slot. */
export function dueMsOf(job: Job<ScheduleJobData>): number {
  return (
    job.data.dueMs ??
    (job.opts as { prevMillis?: number }).prevMillis ??
    job.timestamp + (job.opts.delay ?? 0)
  );
}

/**
 * One firing of one schedule; the slot is claimed in Postgres, so a repeat of it does nothing.
 * A job started before is one BullMQ handed on from a worker that died during it.
 */
export async function fireScheduleJob(ctx: JobContext, job: Job<ScheduleJobData>) {
  const { logger } = ctx;
  const due = dueMsOf(job);
  const runId = await fireSchedule(ctx, job.data.scheduleId, due, {
    startedBefore: job.attemptsStarted > 1,
  });
  if (runId) {
    logger.info({ scheduleId: job.data.scheduleId, runId, lateMs: Date.now() - due }, 'schedule fired');
  }
  return { runId };
}
