import type { Rule, RuleAction, RuleCondition, RuleTarget } from '../api/types';

const METRIC_LABELS: Record<string, string> = {
  cpu: 'CPU %',
  memory: 'memory %',
  disk: 'disk %',
  load1: 'load (1 min)',
  load5: 'load (5 min)',
  load15: 'load (15 min)',
  net_rx: 'network in (B/s)',
  net_tx: 'network out (B/s)',
};

export const minutes = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

export function describeCondition(c: RuleCondition): string {
  switch (c.kind) {
    case 'metric': {
      const n = c.forEvaluations && c.forEvaluations > 1 ? `, ${c.forEvaluations} checks in a row` : '';
      return `${c.aggregate} ${METRIC_LABELS[c.metric] ?? c.metric} over ${minutes(c.windowSeconds)} ${c.operator} ${c.threshold}${n}`;
    }
    case 'no_data':
      return `no metrics for ${minutes(c.forSeconds)}`;
    case 'state':
      return `${c.states.join(' or ')} for ${minutes(c.forSeconds)}`;
    case 'cost':
      return c.scope === 'total'
        ? `total monthly cost above ${c.threshold}`
        : `monthly cost above ${c.threshold}`;
    case 'budget':
      return `spend above ${c.percent}% of ${c.teamId ? "the team's" : "the organization's"} budget`;
  }
}

export function describeTarget(t: RuleTarget, cloudTitle: (id: string) => string): string {
  switch (t.kind) {
    case 'all':
      return 'All machines';
    case 'tag':
      return t.value === undefined ? `Tagged ${t.key}` : `Tagged ${t.key}=${t.value}`;
    case 'cloud':
      return t.cloudIds.map(cloudTitle).join(', ');
    case 'machines':
      return `${t.machineIds.length} machine${t.machineIds.length === 1 ? '' : 's'}`;
  }
}

export function describeAction(a: RuleAction): string {
  switch (a.kind) {
    case 'email':
      return 'email';
    case 'webhook':
      return 'webhook';
    case 'chat':
      return 'chat';
    case 'script':
      return 'run a script';
    case 'machine_action':
      return a.action;
  }
}

export const describeActions = (rule: Rule) =>
  rule.actions.length ? rule.actions.map(describeAction).join(', ') : 'record an incident only';
