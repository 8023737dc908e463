import { type ExpirationDeps, sweepExpirations } from '@overcast/core/automation';
import type { Logger } from '@overcast/runtime';

export const EXPIRATION_SCHEDULER_ID = 'expiration-sweep';

/** Sends due expiration notices and stops or destroys machines whose date has come. */
export async function expirationJob(deps: ExpirationDeps, logger: Logger) {
  const outcome = await sweepExpirations(deps);
  if (outcome.notified || outcome.expired) logger.info(outcome, 'machine expirations handled');
  return outcome;
}
