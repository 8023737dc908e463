import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { deleteRule, rulesQuery, updateRule } from '../api/monitoring';
import type { Rule } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { DisabledReason } from '../automation/DisabledReason';
import styles from '../monitoring/monitoring.module.css';
import { Badge } from '../ui/Badge';
import { EmptyState } from '../ui/EmptyState';
import { BoltIcon, PowerIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { editSwitchDelete } from '../ui/rowActions';
import { useCreateButton } from '../ui/useCreateButton';
import { useResourceMutation } from '../ui/useResourceMutation';
import { ChannelsCard } from './ChannelsCard';
import { describeActions, describeCondition, describeTarget } from './describe';
import { RuleDialog } from './RuleDialog';

function RuleState({ rule }: { rule: Rule }) {
  if (!rule.enabled) return <Badge tone="muted">Off</Badge>;
  if (rule.openIncidents > 0)
    return (
      <Badge tone="danger" dot>
        {rule.openIncidents} open
      </Badge>
    );
  return (
    <Badge tone="success" dot>
      OK
    </Badge>
  );
}

export function RulesPage() {
  const permissions = usePermissions();
  const rules = useQuery(rulesQuery);
  const clouds = useQuery(cloudsQuery);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Rule | null>(null);
  const cloudTitle = (id: string) => clouds.data?.find((c) => c.id === id)?.title ?? 'a cloud';
  const toggle = useResourceMutation({
    mutationFn: (rule: Rule) => updateRule(rule.id, { enabled: !rule.enabled }),
    invalidates: [rulesQuery.queryKey],
    success: (rule) => (rule.enabled ? `"${rule.name}" is on` : `"${rule.name}" is off`),
    failure: 'The rule was not changed',
  });
  const remove = useResourceMutation({
    mutationFn: (rule: Rule) => deleteRule(rule.id),
    invalidates: [rulesQuery.queryKey],
    success: 'Rule deleted',
    failure: 'The rule was not deleted',
  });
  const newRule = useCreateButton('rules', 'New rule', () => setCreating(true));
  const list = rules.data ?? [];

  return (
    <Page
      title="Rules"
      description={
        <>
          Rules watch your machines and act when a condition holds. See what fired in{' '}
          <Link to="/incidents">Incidents</Link>.
        </>
      }
      actions={list.length > 0 ? newRule : undefined}
    >
      <div className={layout.stackWide}>
        <ResourceTable
          query={rules}
          rows={list}
          rowKey={(rule) => rule.id}
          rowProps={(rule) => ({ 'data-rule-id': rule.id })}
          className={styles.rulesTable}
          empty={
            <EmptyState icon={<BoltIcon />} title="No rules yet" actions={newRule}>
              <p>
                Rules watch your machines and act when a condition holds. For example, alert the team when a
                machine stops responding, or reboot it when it has been unreachable for five minutes.
              </p>
            </EmptyState>
          }
          columns={[
            {
              key: 'name',
              header: 'Name',
              cell: (rule) => (
                <>
                  {rule.name}
                  <DisabledReason item={rule} />
                </>
              ),
            },
            { key: 'when', header: 'When', cell: (rule) => describeCondition(rule.condition) },
            { key: 'watching', header: 'Watching', cell: (rule) => describeTarget(rule.target, cloudTitle) },
            { key: 'then', header: 'Then', cell: describeActions },
            { key: 'state', header: 'State', cell: (rule) => <RuleState rule={rule} /> },
            {
              key: 'fired',
              header: 'Last fired',
              cell: (rule) => <RelativeTime value={rule.lastFiredAt} empty="never" />,
            },
          ]}
          actionsLabel={(rule) => `More actions for ${rule.name}`}
          actions={editSwitchDelete<Rule>('rules', {
            edit: setEditing,
            switchLabel: (rule) => (rule.enabled ? 'Turn off' : 'Turn on'),
            switchIcon: <PowerIcon />,
            onSwitch: (rule) => toggle.mutate(rule),
            remove: (rule) => remove.mutate(rule),
          })}
        />
        <ChannelsCard canEdit={permissions.can('rules', 'edit')} />
      </div>
      {creating && <RuleDialog onClose={() => setCreating(false)} />}
      {editing && <RuleDialog rule={editing} onClose={() => setEditing(null)} />}
    </Page>
  );
}
