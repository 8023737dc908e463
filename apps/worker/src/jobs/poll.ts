import { type PollJobData, type PollKind, pollCloud } from '@overcast/core/polling';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

/**
 * One poll of one cloud. A provider error is recorded on the cloud (and shown in the API)
 * rather than thrown: the next scheduled poll is the retry, and BullMQ's own retries would
 * only hammer a provider that is already failing.
 */
export function pollProcessor(ctx: JobContext) {
  const { logger, metrics } = ctx;
  // A cloud's provider never changes: read once per cloud, for the metrics' labels.
  const providers = new Map<string, string>();
  const providerOf = async (cloudId: string) => {
    let provider = providers.get(cloudId);
    if (!provider) {
      const cloud = await ctx.db.prisma.cloud.findUnique({
        where: { id: cloudId },
        select: { provider: true },
      });
      provider = cloud?.provider ?? 'unknown';
      providers.set(cloudId, provider);
    }
    return provider;
  };
  return async (job: Job<PollJobData>, _token?: string, signal?: AbortSignal) => {
    const { cloudId } = job.data;
    const kind = job.name as PollKind;
    const outcome = await pollCloud(ctx, cloudId, kind, signal);
    if (outcome.status === 'error') {
      logger.warn({ cloudId, kind, error: outcome.message }, 'poll failed');
    } else if (outcome.status === 'ok' && outcome.changes > 0) {
      logger.info({ cloudId, ...outcome }, 'inventory changed');
    }
    if (outcome.status !== 'skipped') {
      metrics.observePoll({ cloudId, provider: await providerOf(cloudId), kind }, outcome);
    } else if (outcome.reason === 'cloud deleted' && providers.has(cloudId)) {
      metrics.forgetCloud(cloudId, providers.get(cloudId)!);
      providers.delete(cloudId);
    }
    return outcome;
  };
}
