import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import { firewallListQuery, networkListQuery } from '../api/networks';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import layout from '../ui/layout.module.css';
import { Skeleton } from '../ui/Skeleton';
import styles from './networks.module.css';

/** The networks and firewalls one machine sits in, on its page. */
export function MachineNetworksCard({ machineId }: { machineId: string }) {
  const permissions = usePermissions();
  const allowed = permissions.can('networks', 'read');
  const networks = useQuery({ ...networkListQuery({ machine: machineId }), enabled: allowed });
  const firewalls = useQuery({ ...firewallListQuery({ machine: machineId }), enabled: allowed });
  if (!allowed) return null;
  const error = networks.error ?? firewalls.error;
  return (
    <Card title="Networks and firewalls">
      {error ? (
        <Alert>{errorText(error)}</Alert>
      ) : !networks.data || !firewalls.data ? (
        <Skeleton width="60%" />
      ) : networks.data.items.length + firewalls.data.items.length === 0 ? (
        <p className={layout.muted}>No network or firewall of this machine is known.</p>
      ) : (
        <ul className={styles.exposed} aria-label="Networks and firewalls of the machine">
          {networks.data.items.map((n) => (
            <li key={n.id}>
              <Link to="/networks">{n.name}</Link>
              <span className={styles.mono}>{n.cidr ?? ''}</span>
            </li>
          ))}
          {firewalls.data.items.map((f) => (
            <li key={f.id}>
              <Link to="/firewalls">{f.name}</Link>
              {f.warnings.length > 0 ? (
                <Badge tone="danger">open to the internet</Badge>
              ) : (
                <span className={layout.muted}>{f.rules.length} rules</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
