import type { Runtime } from '@overcast/runtime';
import { startScriptRun } from '../automation/script-run';
import { publishEvents } from '../events';
import { machineAction } from '../machines/actions';
import { createNotifier } from '../notifications';
import type { ActionRuntime } from '../runtime';
import type { RuleEffects } from './evaluate';

/**
 * A rule's real effects: the organization's channels, provider machine actions (audited as
 * "rule: <name>"), script runs queued for the worker, and incident changes on the live stream.
 */
export function ruleEffects(runtime: ActionRuntime & Pick<Runtime, 'mailer' | 'logger'>): RuleEffects {
  return {
    notifier: createNotifier(runtime),
    machineAction: (organizationId, machineId, action, ruleName, by) =>
      machineAction(
        runtime,
        { organizationId, userId: by.userId, label: `rule: ${ruleName}` },
        machineId,
        { action },
        by,
      ),
    runScript: async (organizationId, scriptId, machineId, params, ruleName, by) => ({
      runId: await startScriptRun(
        runtime,
        { organizationId, userId: by.userId, label: `rule: ${ruleName}` },
        { scriptId, targets: { machineIds: [machineId] }, params, caller: by.principal },
      ),
    }),
    announce: (organizationId, events) => publishEvents(runtime.redis, organizationId, events),
  };
}
