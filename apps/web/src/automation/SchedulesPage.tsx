import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  automationKeys,
  deleteSchedule,
  expiringQuery,
  scheduleRunsQuery,
  schedulesQuery,
  updateSchedule,
} from '../api/automation';
import { errorText } from '../api/errors';
import type { Schedule } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { ClockIcon, PencilIcon, PlusIcon, TrashIcon } from '../ui/icons';
import { Menu } from '../ui/Menu';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { toast } from '../ui/toast';
import styles from './automation.module.css';
import { StatusBadge } from './RunOutput';
import { formatWhen, ScheduleDialog } from './ScheduleDialog';
import { describeTargets } from './TargetPicker';

const ACTIONS: Record<string, string> = {
  start: 'Start',
  stop: 'Stop',
  reboot: 'Reboot',
  destroy: 'Destroy',
  run_script: 'Run script',
  notify: 'Notify',
};

function describeTrigger(s: Schedule): string {
  const t = s.trigger;
  if (t.kind === 'cron') return `cron ${t.cron} (${t.timezone ?? 'UTC'})`;
  if (t.kind === 'interval')
    return t.intervalSeconds % 60 === 0
      ? `every ${t.intervalSeconds / 60} min`
      : `every ${t.intervalSeconds} s`;
  return `once, ${formatWhen(t.runAt)}`;
}

export function SchedulesPage() {
  const schedules = useQuery(schedulesQuery);
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: automationKeys.schedules });
  const toggle = useMutation({
    mutationFn: (s: Schedule) => updateSchedule(s.id, { enabled: !s.enabled }),
    onSuccess: (s) => {
      toast.success(`${s.name} ${s.enabled ? 'enabled' : 'disabled'}`);
      void refresh();
    },
    onError: (e) => toast.error('The schedule was not changed', { description: errorText(e) }),
  });
  const remove = useMutation({
    mutationFn: (s: Schedule) => deleteSchedule(s.id),
    onSuccess: () => void refresh(),
    onError: (e) => toast.error('The schedule was not deleted', { description: errorText(e) }),
  });
  const newButton = permissions.can('schedules', 'create') ? (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => setEditing('new')}>
      New schedule
    </Button>
  ) : undefined;

  return (
    <Page
      title="Schedules"
      description="Start, stop, reboot or destroy machines and run scripts on a timetable."
      actions={newButton}
    >
      {schedules.isError ? (
        <Alert>{errorText(schedules.error)}</Alert>
      ) : !schedules.data ? (
        <Card>
          <Skeleton width="60%" />
        </Card>
      ) : schedules.data.length === 0 ? (
        <EmptyState icon={<ClockIcon />} title="No schedules yet" actions={newButton}>
          <p>Stop the dev fleet every night, reboot on Sundays, or run a script every hour.</p>
        </EmptyState>
      ) : (
        <Card flush>
          <div className={table.scroll}>
            <table className={table.table}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Machines</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {schedules.data.map((s) => (
                  <tr key={s.id} data-schedule={s.name}>
                    <td>
                      <button
                        type="button"
                        className={styles.listItem}
                        onClick={() => setHistory(history === s.id ? null : s.id)}
                      >
                        {s.name} {!s.enabled && <Badge tone="muted">disabled</Badge>}
                      </button>
                      {!s.enabled && s.disabledReason && (
                        <span className={styles.disabledReason} role="note">
                          {s.disabledReason}
                        </span>
                      )}
                    </td>
                    <td>{describeTrigger(s)}</td>
                    <td>{ACTIONS[s.action.kind] ?? s.action.kind}</td>
                    <td>{describeTargets(s.target)}</td>
                    <td>{s.nextRuns[0] ? formatWhen(s.nextRuns[0]) : '—'}</td>
                    <td>{s.lastRunAt ? <RelativeTime value={s.lastRunAt} /> : 'never'}</td>
                    <td className={table.end}>
                      {permissions.can('schedules', 'edit') && (
                        <Menu
                          label={`More actions for ${s.name}`}
                          items={[
                            { label: 'Edit', icon: <PencilIcon />, onSelect: () => setEditing(s) },
                            {
                              label: s.enabled ? 'Disable' : 'Enable',
                              icon: <ClockIcon />,
                              onSelect: () => toggle.mutate(s),
                            },
                            {
                              label: 'Delete',
                              icon: <TrashIcon />,
                              danger: true,
                              onSelect: () => remove.mutate(s),
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
      {history && <ScheduleHistory scheduleId={history} />}
      <ExpiringSoon />
      {editing && (
        <ScheduleDialog schedule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Page>
  );
}

function ScheduleHistory({ scheduleId }: { scheduleId: string }) {
  const runs = useQuery(scheduleRunsQuery(scheduleId));
  return (
    <Card title="History" meta="what each run did, machine by machine">
      {/* Opened from a schedule's name in the table above. */}
      {runs.isError ? (
        <Alert>{errorText(runs.error)}</Alert>
      ) : !runs.data ? (
        <Skeleton width="40%" />
      ) : runs.data.length === 0 ? (
        <p className={styles.muted}>It has not run yet.</p>
      ) : (
        <ul className={styles.list}>
          {runs.data.map((r) => (
            <li key={r.id} className={styles.listItem}>
              <StatusBadge status={r.status === 'partial' ? 'timed_out' : r.status} /> {formatWhen(r.slot)}
              {r.error && <span className={styles.error}>{r.error}</span>}
              <span className={styles.itemMeta}>
                {r.results.length === 0
                  ? 'no machine matched'
                  : r.results
                      .map((x) => `${x.name}: ${x.result}${x.error ? ` (${x.error})` : ''}`)
                      .join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function ExpiringSoon() {
  const expiring = useQuery(expiringQuery);
  if (!expiring.data?.length) return null;
  return (
    <Card title="Expires soon" meta="machines that stop or destroy themselves within a week">
      <ul className={styles.list}>
        {expiring.data.map((m) => (
          <li key={m.machineId} className={styles.listItem}>
            <Link to={`/machines/${m.machineId}`}>{m.name}</Link> —{' '}
            {m.action === 'destroy' ? 'destroyed' : 'stopped'} <RelativeTime value={m.expiresAt} /> (
            {formatWhen(m.expiresAt)})
          </li>
        ))}
      </ul>
    </Card>
  );
}
