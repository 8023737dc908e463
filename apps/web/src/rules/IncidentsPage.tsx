import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { incidentQuery, incidentsQuery } from '../api/monitoring';
import type { Incident } from '../api/types';
import { RunOutput } from '../automation/RunOutput';
import styles from '../monitoring/monitoring.module.css';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { CheckCircleIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { LoadError } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { Skeleton } from '../ui/Skeleton';

const StatusBadge = ({ incident }: { incident: Incident }) =>
  incident.status === 'open' ? (
    <Badge tone="danger" dot="pulse">
      Open
    </Badge>
  ) : (
    <Badge tone="success">Resolved</Badge>
  );

/** The machine an incident is about, or the organization for rules on the whole fleet. */
const IncidentSubject = ({ incident }: { incident: Incident }) =>
  incident.machineId ? (
    <Link to={`/machines/${incident.machineId}`}>{incident.machineName ?? 'machine'}</Link>
  ) : (
    'Organization'
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
      <ResourceTable
        query={incidents}
        rows={incidents.data ?? []}
        rowKey={(i) => i.id}
        rowProps={(i) => ({ 'data-incident-id': i.id })}
        empty={
          <EmptyState
            icon={<CheckCircleIcon />}
            title={status === 'open' ? 'Nothing is wrong' : 'No incidents'}
          >
            <p>{status === 'open' ? 'No rule holds right now.' : 'No rule has fired yet.'}</p>
          </EmptyState>
        }
        columns={[
          { key: 'status', header: 'Status', cell: (i) => <StatusBadge incident={i} /> },
          { key: 'rule', header: 'Rule', cell: (i) => <Link to={`/incidents/${i.id}`}>{i.ruleName}</Link> },
          { key: 'machine', header: 'Machine', cell: (i) => <IncidentSubject incident={i} /> },
          { key: 'opened', header: 'Opened', cell: (i) => <RelativeTime value={i.openedAt} /> },
          { key: 'resolved', header: 'Resolved', cell: (i) => <RelativeTime value={i.resolvedAt} /> },
          { key: 'latest', header: 'Latest', cell: (i) => i.timeline.at(-1)?.message },
        ]}
      />
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
            <IncidentSubject incident={i} /> · opened <RelativeTime value={i.openedAt} />
            {i.resolvedAt && (
              <>
                {' '}
                · resolved <RelativeTime value={i.resolvedAt} />
              </>
            )}
            {i.acknowledgedAt && (
              <>
                {' '}
                · acknowledged by {i.acknowledgedBy} <RelativeTime value={i.acknowledgedAt} />
              </>
            )}
          </>
        )
      }
    >
      {incident.isError ? (
        <LoadError error={incident.error} onRetry={incident.refetch} />
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
