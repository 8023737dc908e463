import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import { exposureQuery } from '../api/networks';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Card } from '../ui/Card';
import { CheckCircleIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Skeleton } from '../ui/Skeleton';
import styles from './networks.module.css';

/** The machines anyone on the internet can reach on SSH (port 22), for the dashboard. */
export function ExposureCard({ className }: { className?: string }) {
  const permissions = usePermissions();
  const allowed = permissions.can('networks', 'read');
  const exposure = useQuery({ ...exposureQuery(22), enabled: allowed });
  if (!allowed) return null;
  const machines = exposure.data?.machines ?? [];
  return (
    <Card
      className={className}
      title="Reachable from the internet on port 22"
      meta={machines.length ? `${machines.length}` : undefined}
      actions={<Link to="/firewalls">Firewalls</Link>}
    >
      {exposure.isError ? (
        <Alert>{errorText(exposure.error)}</Alert>
      ) : !exposure.data ? (
        <Skeleton height="3rem" />
      ) : machines.length === 0 ? (
        <p className={layout.muted}>
          <CheckCircleIcon aria-hidden /> None of them has it: no firewall lets 0.0.0.0/0 or ::/0 in on SSH.
        </p>
      ) : (
        <ul className={styles.exposed} aria-label="Machines reachable from the internet on port 22">
          {machines.map((m) => (
            <li key={m.machineId}>
              <Link to={`/machines/${m.machineId}`}>{m.name}</Link>
              <span className={layout.muted}>
                {m.cloudTitle} · {m.firewalls.map((f) => f.name).join(', ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
