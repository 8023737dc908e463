import { evaluateRules, ruleEvaluatorDeps } from '@overcast/core/rules';
import type { JobContext } from '../context';

/** One evaluation cycle of every enabled rule. */
export function evaluateRulesProcessor(ctx: JobContext) {
  const { logger, metrics } = ctx;
  const deps = ruleEvaluatorDeps(ctx);
  return async () => {
    const end = metrics.ruleEvaluationSeconds.startTimer();
    const stats = await evaluateRules(deps).finally(end);
    if (stats.opened || stats.resolved) logger.info(stats, 'incidents changed');
    return stats;
  };
}
