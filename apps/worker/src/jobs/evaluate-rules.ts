import { evaluateRules, type RuleEvaluatorDeps } from '@overcast/core/rules';
import type { Logger } from '@overcast/runtime';

/** One evaluation cycle of every enabled rule. */
export function evaluateRulesProcessor(deps: RuleEvaluatorDeps, logger: Logger) {
  return async () => {
    const stats = await evaluateRules(deps);
    if (stats.opened || stats.resolved) logger.info(stats, 'incidents changed');
    return stats;
  };
}
