import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { errorText } from '../api/errors';
import { incidentQuery, incidentsQuery } from '../api/monitoring';
import type { Incident } from '../api/types';
import { RunOutput } from '../automation/RunOutput';
import styles from '../monitoring/monitoring.module.css';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { CheckCircleIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';

const StatusBadge = ({ incident }: { incident: Incident }) =>
  incident.status === 'open' ? (
    <Badge tone="danger" dot="pulse">
      Open
    </Badge>
  ) : (
    <Badge tone="success">Resolved</Badge>
  );

export function IncidentsPage() {
  const [status, setStatus] = useState<'open' | 'resolved' | undefined>('open');
  const incidents = useQuery(incidentsQuery(status));
  return (
    <Page
      title="Incidents"
      description={
        <>
          What the <Link to="/rules">rules</Link> found, and what they did about it.
        </>
      }
      actions={
        <span className={styles.inline}>
          {(['open', 'resolved', undefined] as const).map((s) => (
            <Button
              key={s ?? 'all'}
              size="xs"
              variant={s === status ? 'primary' : 'secondary'}
              onClick={() => setStatus(s)}
            >
              {s === undefined ? 'All' : s === 'open' ? 'Open' : 'Resolved'}
            </Button>
          ))}
        </span>
      }
    >
      {incidents.isError ? (
        <Alert>{errorText(incidents.error)}</Alert>
      ) : !incidents.data ? (
        <Card>
          <Skeleton width="60%" />
        </Card>
      ) : incidents.data.length === 0 ? (
        <EmptyState
          icon={<CheckCircleIcon />}
          title={status === 'open' ? 'Nothing is wrong' : 'No incidents'}
        >
          <p>{status === 'open' ? 'No rule holds right now.' : 'No rule has fired yet.'}</p>
        </EmptyState>
      ) : (
        <Card flush>
          <div className={table.scroll}>
            <table className={table.table}>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Machine</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Resolved</th>
                  <th scope="col">Latest</th>
                </tr>
              </thead>
              <tbody>
                {incidents.data.map((i) => (
                  <tr key={i.id} data-incident-id={i.id}>
                    <td>
                      <StatusBadge incident={i} />
                    </td>
                    <td>
                      <Link to={`/incidents/${i.id}`}>{i.ruleName}</Link>
                    </td>
                    <td>
                      {i.machineId ? (
                        <Link to={`/machines/${i.machineId}`}>{i.machineName ?? 'machine'}</Link>
                      ) : (
                        'Organization'
                      )}
                    </td>
                    <td>
                      <RelativeTime value={i.openedAt} />
                    </td>
                    <td>{i.resolvedAt ? <RelativeTime value={i.resolvedAt} /> : '—'}</td>
                    <td>{i.timeline.at(-1)?.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </Page>
  );
}

export function IncidentPage() {
  const { id = '' } = useParams();
  const incident = useQuery(incidentQuery(id));
  const i = incident.data;
  return (
    <Page
      title={i ? i.ruleName : 'Incident'}
      back={{ to: '/incidents', label: 'Incidents' }}
      titleExtra={i && <StatusBadge incident={i} />}
      description={
        i && (
          <>
            {i.machineId ? (
              <Link to={`/machines/${i.machineId}`}>{i.machineName ?? 'machine'}</Link>
            ) : (
              'Organization'
            )}{' '}
            · opened <RelativeTime value={i.openedAt} />
            {i.resolvedAt && (
              <>
                {' '}
                · resolved <RelativeTime value={i.resolvedAt} />
              </>
            )}
          </>
        )
      }
    >
      {incident.isError ? (
        <Alert>{errorText(incident.error)}</Alert>
      ) : !i ? (
        <Skeleton width="60%" />
      ) : (
        <Card title="Timeline">
          <ol className={styles.timeline}>
            {i.timeline.map((e) => (
              <li key={`${e.at}-${e.kind}-${e.message}`}>
                <RelativeTime value={e.at} /> {e.ok === false && <Badge tone="danger">failed</Badge>}{' '}
                {e.ok === true && <Badge tone="success">done</Badge>} {e.message}
                {e.output && <pre>{e.output}</pre>}
                {e.scriptRunId && <RunOutput runId={e.scriptRunId} />}
              </li>
            ))}
          </ol>
        </Card>
      )}
    </Page>
  );
}
