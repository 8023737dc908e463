import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import {
  incidentsQuery,
  type MetricRange,
  machineMonitoringQuery,
  metricSeriesQuery,
  setMachineMonitoring,
} from '../api/monitoring';
import type { MetricName } from '../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import layout from '../ui/layout.module.css';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { toast } from '../ui/toast';
import { MetricChart } from './MetricChart';
import { MonitoringMethodForm } from './MonitoringMethodForm';
import styles from './monitoring.module.css';

const CHARTS: { metric: MetricName; label: string; unit: string; percent?: boolean }[] = [
  { metric: 'cpu', label: 'CPU', unit: '%', percent: true },
  { metric: 'memory', label: 'Memory used', unit: '%', percent: true },
  { metric: 'load1', label: 'Load (1 min)', unit: '' },
  { metric: 'disk', label: 'Disk used', unit: '%', percent: true },
  { metric: 'net_rx', label: 'Network in', unit: ' B/s' },
  { metric: 'net_tx', label: 'Network out', unit: ' B/s' },
];
const RANGES: MetricRange[] = ['1h', '24h', '7d', '30d'];

/** Monitoring on the machine page: the switch, and graphs for 1 h / 24 h / 7 d / 30 d. */
export function MetricsCard({ machineId, canEdit }: { machineId: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const monitoring = useQuery(machineMonitoringQuery(machineId));
  const [range, setRange] = useState<MetricRange>('1h');
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => setMachineMonitoring(machineId, { enabled }),
    onSuccess: (m) => {
      queryClient.setQueryData(machineMonitoringQuery(machineId).queryKey, m);
      toast.success(
        m.enabled ? 'Monitoring is on; the first readings arrive within a minute' : 'Monitoring is off',
      );
    },
    onError: (error) => toast.error('Monitoring was not changed', { description: errorText(error) }),
  });
  const m = monitoring.data;
  return (
    <Card
      title="Metrics"
      meta={
        m?.lastSampleAt ? (
          <>
            last reading <RelativeTime value={m.lastSampleAt} />
          </>
        ) : undefined
      }
      actions={
        m && (
          <div className={styles.rangeBar}>
            {m.enabled &&
              RANGES.map((r) => (
                <Button
                  key={r}
                  size="xs"
                  variant={r === range ? 'primary' : 'secondary'}
                  onClick={() => setRange(r)}
                >
                  {r}
                </Button>
              ))}
            {canEdit && (
              <Button size="xs" busy={toggle.isPending} onClick={() => toggle.mutate(!m.enabled)}>
                {m.enabled ? 'Turn off' : 'Turn on monitoring'}
              </Button>
            )}
          </div>
        )
      }
    >
      {canEdit && m && <MonitoringMethodForm machineId={machineId} monitoring={m} />}
      {monitoring.isError ? (
        <Alert>{errorText(monitoring.error)}</Alert>
      ) : !m ? (
        <Skeleton width="50%" />
      ) : !m.enabled ? (
        <p className={layout.muted}>
          Monitoring is off. When on, Overcast logs in over SSH every minute and reads CPU, memory, disk and
          network from /proc (nothing is installed), or scrapes node_exporter when the machine runs it.
        </p>
      ) : (
        <>
          {m.lastError && (
            <Alert>
              Metrics could not be read at the last attempt: {m.lastError} Check the machine's SSH key, user
              and port (or its node_exporter URL); readings resume on their own once it answers.
            </Alert>
          )}
          <OpenIncidents machineId={machineId} />
          <div className={styles.charts}>
            {CHARTS.map((c) => (
              <Chart key={c.metric} machineId={machineId} range={range} {...c} />
            ))}
          </div>
        </>
      )}
    </Card>
  );
}

/** What the rules currently find wrong with this machine. */
function OpenIncidents({ machineId }: { machineId: string }) {
  const open = useQuery(incidentsQuery('open', machineId));
  if (!open.data?.length) return null;
  return (
    <Alert>
      {open.data.map((i) => (
        <div key={i.id}>
          <Link to={`/incidents/${i.id}`}>{i.ruleName}</Link>: {i.timeline[0]?.message}
        </div>
      ))}
    </Alert>
  );
}

function Chart({
  machineId,
  range,
  metric,
  label,
  unit,
  percent,
}: {
  machineId: string;
  range: MetricRange;
  metric: MetricName;
  label: string;
  unit: string;
  percent?: boolean;
}) {
  const series = useQuery(metricSeriesQuery(machineId, metric, range));
  const empty = series.data?.series.every((s) => s.points.length === 0);
  return (
    <figure className={styles.chart}>
      <figcaption>{label}</figcaption>
      {series.isError ? (
        <Alert>{errorText(series.error)}</Alert>
      ) : !series.data ? (
        <Skeleton width="100%" />
      ) : empty ? (
        <p className={layout.muted}>No readings in this range yet.</p>
      ) : (
        <MetricChart data={series.data} unit={unit} percent={percent} label={label} />
      )}
    </figure>
  );
}
