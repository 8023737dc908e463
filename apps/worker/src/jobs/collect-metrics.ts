import { collectMetrics } from '@overcast/core/monitoring';
import type { JobContext } from '../context';

/** One collection round over every monitored machine (bounded connections inside). */
export function collectMetricsProcessor(ctx: JobContext) {
  const { logger } = ctx;
  return async () => {
    const result = await collectMetrics(ctx);
    if (result.failed.length) {
      logger.warn(
        { failed: result.failed.length, of: result.machines, first: result.failed[0] },
        'metrics not gathered from some machines',
      );
    }
    return { machines: result.machines, succeeded: result.succeeded, samples: result.samples };
  };
}
