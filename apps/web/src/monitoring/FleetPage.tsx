import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import { fleetQuery, setMonitoringFor } from '../api/monitoring';
import type { FleetUsage } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { formatMoney, plural } from '../format/number';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { ActivityIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { Skeleton } from '../ui/Skeleton';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import styles from './monitoring.module.css';

type Row = FleetUsage['busiest'][number];

function UsageTable({ rows }: { rows: Row[] }) {
  return (
    <div className={table.scroll}>
      <table className={table.table}>
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col" className={table.end}>
              CPU avg
            </th>
            <th scope="col" className={table.end}>
              Memory avg
            </th>
            <th scope="col" className={table.end}>
              Monthly cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.machineId}>
              <td>
                <Link to={`/machines/${r.machineId}`}>{r.name}</Link>
              </td>
              <td className={table.end}>{r.cpu.toFixed(1)}%</td>
              <td className={table.end}>{r.memory === null ? '—' : `${r.memory.toFixed(1)}%`}</td>
              <td className={table.end}>{formatMoney(r.costMonthly, r.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Monitoring for every machine with a tag (e.g. env=prod), on or off in one go. */
function MonitorByTag({ onDone }: { onDone: () => void }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const change = useMutation({
    mutationFn: (enabled: boolean) =>
      setMonitoringFor(
        { kind: 'tag', key: key.trim(), ...(value.trim() ? { value: value.trim() } : {}) },
        enabled,
      ),
    onSuccess: (r, enabled) => {
      toast.success(`Monitoring ${enabled ? 'on' : 'off'} for ${plural(r.machines, 'machine')}`);
      onDone();
    },
    onError: (error) => toast.error('Monitoring was not changed', { description: errorText(error) }),
  });
  const submit = (event: FormEvent, enabled: boolean) => {
    event.preventDefault();
    change.mutate(enabled);
  };
  return (
    <Card title="By tag">
      <form className={styles.row} onSubmit={(e) => submit(e, true)}>
        <TextField
          label="Tag"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
          maxLength={128}
        />
        <TextField label="Value" aside="optional" value={value} onChange={(e) => setValue(e.target.value)} />
        <span className={styles.inline}>
          <Button type="submit" variant="primary" busy={change.isPending && change.variables}>
            Turn on
          </Button>
          <Button
            busy={change.isPending && !change.variables}
            disabled={!key.trim()}
            onClick={(e) => submit(e, false)}
          >
            Turn off
          </Button>
        </span>
      </form>
    </Card>
  );
}

/** The busiest and the idlest machines: idle ones that cost money are the first to cut. */
export function FleetPage() {
  const [hours, setHours] = useState(24);
  const fleet = useQuery(fleetQuery(hours));
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  return (
    <Page
      title="Monitoring"
      description="Average use of the monitored machines. Turn monitoring on from a machine's page, or for many at once by tag."
      actions={
        <span className={styles.inline}>
          {[
            [24, 'Last day'],
            [168, 'Last week'],
          ].map(([h, label]) => (
            <Button
              key={h}
              size="xs"
              variant={h === hours ? 'primary' : 'secondary'}
              onClick={() => setHours(h as number)}
            >
              {label}
            </Button>
          ))}
        </span>
      }
    >
      {permissions.can('machines', 'edit') && (
        <MonitorByTag
          onDone={() => void queryClient.invalidateQueries({ queryKey: ['machines', 'monitoring'] })}
        />
      )}
      {fleet.isError ? (
        <Alert>{errorText(fleet.error)}</Alert>
      ) : !fleet.data ? (
        <Skeleton width="60%" />
      ) : fleet.data.monitored === 0 ? (
        <EmptyState icon={<ActivityIcon />} title="No readings yet">
          <p>No monitored machine has reported in this period. Turn monitoring on from a machine's page.</p>
        </EmptyState>
      ) : (
        <div className={layout.stackWide}>
          <Card title="Idlest" meta="cheapest to cut first: low use, high cost" flush>
            <UsageTable rows={fleet.data.idlest} />
          </Card>
          <Card title="Busiest" flush>
            <UsageTable rows={fleet.data.busiest} />
          </Card>
        </div>
      )}
    </Page>
  );
}
