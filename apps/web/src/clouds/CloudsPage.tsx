import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudKeys, cloudsQuery, refreshCloud, updateCloud } from '../api/clouds';
import { errorText } from '../api/errors';
import type { Cloud } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { formatCount, formatMoney, plural } from '../format/number';
import { providerMeta } from '../providers/meta';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { CloudIcon, KeyIcon, PencilIcon, PlusIcon, PowerIcon, RefreshIcon, TrashIcon } from '../ui/icons';
import { Menu } from '../ui/Menu';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { toast } from '../ui/toast';
import { AddCloudDialog } from './AddCloudDialog';
import { DeleteCloudDialog, EditCloudDialog, RenameCloudDialog } from './CloudDialogs';
import { CloudStatus } from './CloudStatus';
import { CreateContainerDialog } from './CreateContainerDialog';
import styles from './clouds.module.css';
import { EngineFactsLine } from './EngineFacts';

type Editing = { kind: 'rename' | 'edit' | 'delete' | 'container'; cloud: Cloud } | null;

export function CloudsPage() {
  const clouds = useQuery(cloudsQuery);
  const permissions = usePermissions();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const list = clouds.data ?? [];
  const failing = list.filter((c) => c.enabled && c.pollStatus === 'error').length;
  const total = list.reduce((sum, c) => sum + Number(c.monthlyCost), 0);

  return (
    <Page
      title="Clouds"
      description={
        list.length
          ? `${plural(list.length, 'cloud')}, ${plural(
              list.reduce((n, c) => n + c.machineCount, 0),
              'machine',
            )}, ${formatMoney(total)} a month${failing ? ` · ${failing} with errors` : ''}`
          : 'The accounts and servers Overcast watches.'
      }
      actions={
        permissions.manageClouds && list.length > 0 ? (
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setAdding(true)}>
            Add cloud
          </Button>
        ) : undefined
      }
    >
      {clouds.isPending ? (
        <Card>
          <div className={styles.loading}>
            <Skeleton width="45%" />
            <Skeleton width="60%" />
          </div>
        </Card>
      ) : clouds.isError ? (
        <Alert>
          {errorText(clouds.error)}{' '}
          <Button size="xs" onClick={() => clouds.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : list.length === 0 ? (
        <EmptyState
          icon={<CloudIcon />}
          title="No clouds yet"
          actions={
            permissions.manageClouds ? (
              <Button variant="primary" icon={<PlusIcon />} onClick={() => setAdding(true)}>
                Add cloud
              </Button>
            ) : undefined
          }
        >
          <p>
            Add your AWS, Google Cloud, DigitalOcean, KVM, Docker or SSH hosts to see every machine in one
            place.
          </p>
          {!permissions.manageClouds && <p>Ask an admin of your organization to add one.</p>}
        </EmptyState>
      ) : (
        <Card flush>
          <div className={table.scroll}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Cloud</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last sync</th>
                  <th scope="col" className={styles.end}>
                    Machines
                  </th>
                  <th scope="col" className={styles.end}>
                    Cost / mo
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              {list.map((cloud) => (
                <CloudRow key={cloud.id} cloud={cloud} onEdit={(kind) => setEditing({ kind, cloud })} />
              ))}
            </table>
          </div>
        </Card>
      )}
      <AddCloudDialog open={adding} onClose={() => setAdding(false)} />
      {editing?.kind === 'rename' && (
        <RenameCloudDialog cloud={editing.cloud} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'edit' && <EditCloudDialog cloud={editing.cloud} onClose={() => setEditing(null)} />}
      {editing?.kind === 'container' && (
        <CreateContainerDialog cloud={editing.cloud} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'delete' && (
        <DeleteCloudDialog cloud={editing.cloud} onClose={() => setEditing(null)} />
      )}
    </Page>
  );
}

function CloudRow({ cloud, onEdit }: { cloud: Cloud; onEdit: (kind: NonNullable<Editing>['kind']) => void }) {
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const meta = providerMeta(cloud.provider);
  // The last poll time seen when "Refresh" was pressed: a later one means the refresh ran.
  const [refreshingSince, setRefreshingSince] = useState<number | null>(null);
  const lastPoll = cloud.lastPollAt ? Date.parse(cloud.lastPollAt) : 0;

  const refresh = useMutation({
    mutationFn: () => refreshCloud(cloud.id),
    onMutate: () => setRefreshingSince(lastPoll),
    onSuccess: ({ queued }) => {
      if (!queued) {
        setRefreshingSince(null);
        toast.info(`${cloud.title} will sync at its next scheduled poll`, {
          description: "The job queue didn't answer in time.",
        });
      }
    },
    onError: (error) => {
      setRefreshingSince(null);
      toast.error(`Couldn't refresh ${cloud.title}`, { description: errorText(error) });
    },
  });

  // A sync ends quietly when nothing changed, so the list is looked at until the cloud says
  // it polled again (or half a minute goes by).
  useEffect(() => {
    if (refreshingSince === null) return;
    if (lastPoll > refreshingSince) {
      setRefreshingSince(null);
      if (cloud.pollStatus === 'error')
        toast.error(`${cloud.title} failed to sync`, { description: cloud.lastError ?? '' });
      else
        toast.success(`${cloud.title} is up to date`, { description: plural(cloud.machineCount, 'machine') });
      return;
    }
    const poll = setInterval(() => queryClient.invalidateQueries({ queryKey: cloudKeys.list() }), 1500);
    const stop = setTimeout(() => setRefreshingSince(null), 30_000);
    return () => {
      clearInterval(poll);
      clearTimeout(stop);
    };
  }, [refreshingSince, lastPoll, cloud, queryClient]);

  const toggle = useMutation({
    mutationFn: () => updateCloud(cloud.id, { enabled: !cloud.enabled }),
    onSuccess: (updated) => {
      queryClient.setQueryData<Cloud[]>(cloudKeys.list(), (list) =>
        list?.map((c) => (c.id === updated.id ? updated : c)),
      );
      toast.success(
        updated.enabled ? `${cloud.title} is enabled and syncing again` : `${cloud.title} is disabled`,
        {
          description: updated.enabled
            ? undefined
            : 'It is no longer polled; its machines keep their last known state.',
        },
      );
    },
    onError: (error) => toast.error(`Couldn't change ${cloud.title}`, { description: errorText(error) }),
  });

  const refreshing = refreshingSince !== null;
  const error = cloud.enabled && cloud.pollStatus === 'error' && cloud.lastError;

  return (
    <tbody className={styles.group} data-cloud-id={cloud.id}>
      <tr className={error ? styles.withError : undefined}>
        <td>
          <div className={styles.cloudCell}>
            <ProviderIcon provider={cloud.provider} />
            <div className={styles.cloudText}>
              <Link to={`/machines?cloud=${cloud.id}`} className={styles.cloudTitle}>
                {cloud.title}
              </Link>
              <span className={styles.cloudMeta}>
                {meta.label}
                {cloud.endpoint ? ` · ${cloud.endpoint}` : ''}
              </span>
              {cloud.provider === 'docker' && cloud.enabled && <EngineFactsLine cloudId={cloud.id} />}
            </div>
          </div>
        </td>
        <td>
          <CloudStatus cloud={cloud} />
        </td>
        <td className={styles.muted}>
          {refreshing ? 'Syncing now…' : <RelativeTime value={cloud.lastPollAt} empty="Not yet" />}
        </td>
        <td className={`${styles.end} ${styles.num}`}>
          <Link to={`/machines?cloud=${cloud.id}`}>{formatCount(cloud.machineCount)}</Link>
        </td>
        <td className={`${styles.end} ${styles.num}`}>{formatMoney(cloud.monthlyCost)}</td>
        <td className={styles.actions}>
          {permissions.operate && cloud.provider === 'docker' && cloud.enabled && (
            <Button
              size="sm"
              variant="ghost"
              icon={<PlusIcon />}
              onClick={() => onEdit('container')}
              aria-label={`New container on ${cloud.title}`}
              title="New container"
            >
              New container
            </Button>
          )}
          {permissions.operate && (
            <Button
              size="sm"
              variant="ghost"
              icon={<RefreshIcon />}
              onClick={() => refresh.mutate()}
              busy={refreshing}
              disabled={!cloud.enabled}
              aria-label={`Refresh ${cloud.title} now`}
              title={cloud.enabled ? 'Refresh now' : 'Enable the cloud to refresh it'}
            />
          )}
          {permissions.manageClouds && (
            <Menu
              label={`Actions for ${cloud.title}`}
              items={[
                { label: 'Rename', icon: <PencilIcon />, onSelect: () => onEdit('rename') },
                { label: 'Edit credentials and settings', icon: <KeyIcon />, onSelect: () => onEdit('edit') },
                {
                  label: cloud.enabled ? 'Disable' : 'Enable',
                  icon: <PowerIcon />,
                  onSelect: () => toggle.mutate(),
                  disabled: toggle.isPending,
                },
                { label: 'Delete', icon: <TrashIcon />, danger: true, onSelect: () => onEdit('delete') },
              ]}
            />
          )}
        </td>
      </tr>
      {error && (
        <tr className={styles.errorRow}>
          <td colSpan={6}>
            <p className={styles.errorMessage}>
              <strong>Last sync failed</strong> <RelativeTime value={cloud.lastErrorAt} />: {cloud.lastError}
            </p>
          </td>
        </tr>
      )}
    </tbody>
  );
}
