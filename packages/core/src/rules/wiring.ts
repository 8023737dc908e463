import type { Logger, Settings } from '@overcast/runtime';
import type { Queue } from 'bullmq';
import type { ActionLinkSettings } from '../action-links/links';
import { startScriptRun } from '../automation/script-run';
import { type ActionDeps, machineAction } from '../machines/actions';
import { createNotifier } from '../notifications';
import type { RuleEvaluatorDeps } from './evaluate';

/**
 * The evaluator's real collaborators: the organization's channels, provider machine actions
 * (audited as "rule: <name>"), and script runs queued for the worker.
 */
export function ruleEvaluatorDeps(
  deps: ActionDeps & {
    settings: Pick<Settings, 'smtp' | 'publicUrl' | 'automation' | 'outbound'> & ActionLinkSettings;
    /** Where a rule's script actions are queued, like any other script run. */
    scriptQueue: Queue;
    logger?: Pick<Logger, 'warn' | 'info'>;
  },
): RuleEvaluatorDeps {
  return {
    db: deps.db,
    notifier: createNotifier(deps),
    publicUrl: deps.settings.publicUrl,
    logger: deps.logger,
    machineAction: (organizationId, machineId, action, ruleName, by) =>
      machineAction(
        deps,
        { organizationId, userId: by.userId, label: `rule: ${ruleName}` },
        machineId,
        {
          action,
        },
        by,
      ),
    runScript: async (organizationId, scriptId, machineId, params, ruleName, by) => ({
      runId: await startScriptRun(
        deps,
        { organizationId, userId: by.userId, label: `rule: ${ruleName}` },
        { scriptId, targets: { machineIds: [machineId] }, params, caller: by.principal },
      ),
    }),
  };
}
