import { sweepExpirations } from '@overcast/core/automation';
import type { JobContext } from '../context';

export const EXPIRATION_SCHEDULER_ID = 'expiration-sweep';

/** Sends due expiration notices and stops or destroys machines whose date has come. */
export async function expirationJob(ctx: JobContext) {
  const outcome = await sweepExpirations(ctx, ctx.notifier);
  if (outcome.notified || outcome.expired) ctx.logger.info(outcome, 'machine expirations handled');
  return outcome;
}
