import { type PollJobData, type PollKind, pollCloud } from '@overcast/core/polling';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

/**
 * One poll of one cloud. A provider error is recorded on the cloud (and shown in the API)
 * rather than thrown: the next scheduled poll is the retry, and BullMQ's own retries would
 * only hammer a provider that is already failing.
 */
export function pollProcessor(ctx: JobContext) {
  const { logger } = ctx;
  return async (job: Job<PollJobData>, _token?: string, signal?: AbortSignal) => {
    const outcome = await pollCloud(ctx, job.data.cloudId, job.name as PollKind, signal);
    if (outcome.status === 'error') {
      logger.warn({ cloudId: job.data.cloudId, kind: job.name, error: outcome.message }, 'poll failed');
    } else if (outcome.status === 'ok' && outcome.changes > 0) {
      logger.info({ cloudId: job.data.cloudId, ...outcome }, 'inventory changed');
    }
    return outcome;
  };
}
