import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { errorText } from '../api/errors';
import { deleteRule, rulesQuery, updateRule } from '../api/monitoring';
import type { Rule } from '../api/types';
import { usePermissions } from '../auth/permissions';
import automation from '../automation/automation.module.css';
import styles from '../monitoring/monitoring.module.css';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { BoltIcon, PencilIcon, PlusIcon, PowerIcon, TrashIcon } from '../ui/icons';
import { Menu } from '../ui/Menu';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { toast } from '../ui/toast';
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
  const queryClient = useQueryClient();
  const rules = useQuery(rulesQuery);
  const clouds = useQuery(cloudsQuery);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Rule | null>(null);
  const cloudTitle = (id: string) => clouds.data?.find((c) => c.id === id)?.title ?? 'a cloud';
  const refresh = () => queryClient.invalidateQueries({ queryKey: rulesQuery.queryKey });
  const toggle = useMutation({
    mutationFn: (rule: Rule) => updateRule(rule.id, { enabled: !rule.enabled }),
    onSuccess: (rule) => {
      toast.success(rule.enabled ? `"${rule.name}" is on` : `"${rule.name}" is off`);
      void refresh();
    },
    onError: (error) => toast.error('The rule was not changed', { description: errorText(error) }),
  });
  const remove = useMutation({
    mutationFn: (rule: Rule) => deleteRule(rule.id),
    onSuccess: () => {
      toast.success('Rule deleted');
      void refresh();
    },
    onError: (error) => toast.error('The rule was not deleted', { description: errorText(error) }),
  });
  const newRule = permissions.can('rules', 'create') ? (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
      New rule
    </Button>
  ) : undefined;
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
      <div className={styles.sections}>
        {rules.isError ? (
          <Alert>{errorText(rules.error)}</Alert>
        ) : !rules.data ? (
          <Card>
            <Skeleton width="60%" />
          </Card>
        ) : list.length === 0 ? (
          <EmptyState icon={<BoltIcon />} title="No rules yet" actions={newRule}>
            <p>
              Rules watch your machines and act when a condition holds. For example, alert the team when a
              machine stops responding, or reboot it when it has been unreachable for five minutes.
            </p>
          </EmptyState>
        ) : (
          <Card flush>
            <div className={table.scroll}>
              <table className={`${table.table} ${styles.rulesTable}`}>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">When</th>
                    <th scope="col">Watching</th>
                    <th scope="col">Then</th>
                    <th scope="col">State</th>
                    <th scope="col">Last fired</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((rule) => (
                    <tr key={rule.id} data-rule-id={rule.id}>
                      <td>
                        {rule.name}
                        {!rule.enabled && rule.disabledReason && (
                          <span className={automation.disabledReason} role="note">
                            {rule.disabledReason}
                          </span>
                        )}
                      </td>
                      <td>{describeCondition(rule.condition)}</td>
                      <td>{describeTarget(rule.target, cloudTitle)}</td>
                      <td>{describeActions(rule)}</td>
                      <td>
                        <RuleState rule={rule} />
                      </td>
                      <td>{rule.lastFiredAt ? <RelativeTime value={rule.lastFiredAt} /> : 'never'}</td>
                      <td className={table.end}>
                        {permissions.can('rules', 'edit') && (
                          <Menu
                            label={`More actions for ${rule.name}`}
                            items={[
                              { label: 'Edit', icon: <PencilIcon />, onSelect: () => setEditing(rule) },
                              {
                                label: rule.enabled ? 'Turn off' : 'Turn on',
                                icon: <PowerIcon />,
                                onSelect: () => toggle.mutate(rule),
                              },
                              {
                                label: 'Delete',
                                icon: <TrashIcon />,
                                danger: true,
                                onSelect: () => remove.mutate(rule),
                              },
                            ]}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        )}
        <ChannelsCard canEdit={permissions.can('rules', 'edit')} />
      </div>
      {creating && <RuleDialog onClose={() => setCreating(false)} />}
      {editing && <RuleDialog rule={editing} onClose={() => setEditing(null)} />}
    </Page>
  );
}
