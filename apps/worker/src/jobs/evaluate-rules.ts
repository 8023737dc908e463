import { evaluateRules, ruleEffects } from '@overcast/core/rules';
import type { JobContext } from '../context';

/** One evaluation cycle of every enabled rule. */
export function evaluateRulesProcessor(ctx: JobContext) {
  const { logger } = ctx;
  const effects = ruleEffects(ctx);
  return async () => {
    const stats = await evaluateRules(ctx, effects);
    if (stats.opened || stats.resolved) logger.info(stats, 'incidents changed');
    return stats;
  };
}
