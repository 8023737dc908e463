import { type CollectDeps, collectMetrics } from '@overcast/core/monitoring';
import type { Logger } from '@overcast/runtime';

/** One collection round over every monitored machine (bounded connections inside). */
export function collectMetricsProcessor(deps: CollectDeps, logger: Logger) {
  return async () => {
    const result = await collectMetrics(deps);
    if (result.failed.length) {
      logger.warn(
        { failed: result.failed.length, of: result.machines, first: result.failed[0] },
        'metrics not gathered from some machines',
      );
    }
    return { machines: result.machines, succeeded: result.succeeded, samples: result.samples };
  };
}
