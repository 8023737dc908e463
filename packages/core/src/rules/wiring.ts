import type { Logger } from 'pino';
import { type ActionDeps, machineAction } from '../machines/actions';
import { createNotifier } from '../notifications';
import type { Settings } from '../settings';
import type { RuleEvaluatorDeps } from './evaluate';
import { runRuleScript } from './run-script';

/**
 * The evaluator's real collaborators: the organization's channels, provider machine actions
 * (audited as "rule: <name>"), and scripts run over SSH.
 */
export function ruleEvaluatorDeps(
  deps: ActionDeps & {
    settings: Pick<Settings, 'smtp' | 'publicUrl'>;
    logger?: Pick<Logger, 'warn' | 'info'>;
  },
): RuleEvaluatorDeps {
  return {
    db: deps.db,
    notifier: createNotifier(deps),
    publicUrl: deps.settings.publicUrl,
    logger: deps.logger,
    machineAction: (organizationId, machineId, action, ruleName) =>
      machineAction(deps, { organizationId, label: `rule: ${ruleName}` }, machineId, { action }),
    runScript: (organizationId, scriptId, machineId, params) =>
      runRuleScript(deps, organizationId, scriptId, machineId, params),
  };
}
