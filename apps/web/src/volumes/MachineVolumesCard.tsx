import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import { volumeListQuery } from '../api/volumes';
import { formatCount } from '../format/number';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import layout from '../ui/layout.module.css';
import { Skeleton } from '../ui/Skeleton';
import { volumeLook } from './state';
import styles from './volumes.module.css';

/** The volumes attached to one machine, on its page. */
export function MachineVolumesCard({ machineId }: { machineId: string }) {
  const volumes = useQuery(volumeListQuery({ machine: machineId }, 100));
  const list = volumes.data?.items ?? [];
  return (
    <Card title="Volumes" meta={volumes.data?.total ? formatCount(volumes.data.total) : undefined}>
      {volumes.isError ? (
        <Alert>{errorText(volumes.error)}</Alert>
      ) : !volumes.data ? (
        <Skeleton width="60%" />
      ) : list.length === 0 ? (
        <p className={layout.muted}>No volumes are attached to this machine.</p>
      ) : (
        <ul className={styles.machineVolumes} aria-label="Attached volumes">
          {list.map((v) => {
            const look = volumeLook(v);
            return (
              <li key={v.id}>
                <Link to={`/volumes?q=${encodeURIComponent(v.name)}`} className={styles.name}>
                  {v.name}
                </Link>
                <span className={layout.muted}>{formatCount(v.sizeGb)} GB</span>
                <Badge tone={look.tone} dot>
                  {look.label}
                </Badge>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
