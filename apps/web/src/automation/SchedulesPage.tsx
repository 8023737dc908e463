import { useQuery } from '@tanstack/react-query';
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
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { ClockIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { editSwitchDelete } from '../ui/rowActions';
import { Skeleton } from '../ui/Skeleton';
import { useCreateButton } from '../ui/useCreateButton';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './automation.module.css';
import { DisabledReason } from './DisabledReason';
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
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const toggle = useResourceMutation({
    mutationFn: (s: Schedule) => updateSchedule(s.id, { enabled: !s.enabled }),
    invalidates: [automationKeys.schedules],
    success: (s) => `${s.name} ${s.enabled ? 'enabled' : 'disabled'}`,
    failure: 'The schedule was not changed',
  });
  const remove = useResourceMutation({
    mutationFn: (s: Schedule) => deleteSchedule(s.id),
    invalidates: [automationKeys.schedules],
    failure: 'The schedule was not deleted',
  });
  const newButton = useCreateButton('schedules', 'New schedule', () => setEditing('new'));

  return (
    <Page
      title="Schedules"
      description="Start, stop, reboot or destroy machines and run scripts on a timetable."
      actions={newButton}
    >
      <ResourceTable
        query={schedules}
        rows={schedules.data ?? []}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-schedule': s.name })}
        empty={
          <EmptyState icon={<ClockIcon />} title="No schedules yet" actions={newButton}>
            <p>Stop the dev fleet every night, reboot on Sundays, or run a script every hour.</p>
          </EmptyState>
        }
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (s) => (
              <>
                <button
                  type="button"
                  className={styles.listItem}
                  onClick={() => setHistory(history === s.id ? null : s.id)}
                >
                  {s.name} {!s.enabled && <Badge tone="muted">disabled</Badge>}
                </button>
                <DisabledReason item={s} />
              </>
            ),
          },
          { key: 'when', header: 'When', cell: describeTrigger },
          { key: 'action', header: 'Action', cell: (s) => ACTIONS[s.action.kind] ?? s.action.kind },
          { key: 'machines', header: 'Machines', cell: (s) => describeTargets(s.target) },
          { key: 'next', header: 'Next run', cell: (s) => (s.nextRuns[0] ? formatWhen(s.nextRuns[0]) : '—') },
          {
            key: 'last',
            header: 'Last run',
            cell: (s) => <RelativeTime value={s.lastRunAt} empty="never" />,
          },
        ]}
        actionsLabel={(s) => `More actions for ${s.name}`}
        actions={editSwitchDelete<Schedule>('schedules', {
          edit: setEditing,
          switchLabel: (s) => (s.enabled ? 'Disable' : 'Enable'),
          switchIcon: <ClockIcon />,
          onSwitch: (s) => toggle.mutate(s),
          remove: (s) => remove.mutate(s),
        })}
      />
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
        <p className={layout.muted}>It has not run yet.</p>
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
