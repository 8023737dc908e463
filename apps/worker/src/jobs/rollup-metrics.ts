import { pruneSamples, rollupSamples } from '@overcast/core/monitoring';
import type { JobContext } from '../context';

/** Refreshes the hourly rollups of the last two hours and applies retention. */
export function rollupMetricsProcessor({ db, settings, logger }: JobContext) {
  return async () => {
    const rolledUp = await rollupSamples(db, new Date(Date.now() - 2 * 3_600_000));
    const pruned = await pruneSamples(db, settings.monitoring);
    if (pruned.samples || pruned.rollups) logger.info(pruned, 'old metrics removed');
    return { rolledUp, ...pruned };
  };
}
