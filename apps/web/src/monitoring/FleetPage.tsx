import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import { fleetQuery } from '../api/monitoring';
import type { FleetUsage } from '../api/types';
import { formatMoney } from '../format/number';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { ActivityIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { Skeleton } from '../ui/Skeleton';
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

/** The busiest and the idlest machines: idle ones that cost money are the first to cut. */
export function FleetPage() {
  const [hours, setHours] = useState(24);
  const fleet = useQuery(fleetQuery(hours));
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
      {fleet.isError ? (
        <Alert>{errorText(fleet.error)}</Alert>
      ) : !fleet.data ? (
        <Skeleton width="60%" />
      ) : fleet.data.monitored === 0 ? (
        <EmptyState icon={<ActivityIcon />} title="No readings yet">
          <p>No monitored machine has reported in this period. Turn monitoring on from a machine's page.</p>
        </EmptyState>
      ) : (
        <div className={styles.sections}>
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
