import { evaluateRules, ruleEvaluatorDeps } from '@overcast/core/rules';
import type { JobContext } from '../context';

/** One evaluation cycle of every enabled rule. */
export function evaluateRulesProcessor(ctx: JobContext) {
  const { logger } = ctx;
  const deps = ruleEvaluatorDeps(ctx);
  return async () => {
    const stats = await evaluateRules(deps);
    if (stats.opened || stats.resolved) logger.info(stats, 'incidents changed');
    return stats;
  };
}
