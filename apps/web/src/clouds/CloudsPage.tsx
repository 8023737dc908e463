import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudKeys, cloudsQuery, refreshCloud, updateCloud } from '../api/clouds';
import type { Cloud } from '../api/types';
import { type Permissions, usePermissions } from '../auth/permissions';
import { formatCount, formatMoney, plural } from '../format/number';
import { useProviderMeta } from '../providers/meta';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Button } from '../ui/Button';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { CloudIcon, KeyIcon, PencilIcon, PlusIcon, PowerIcon, RefreshIcon, TrashIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { toast } from '../ui/toast';
import { useCreateButton } from '../ui/useCreateButton';
import { useResourceMutation } from '../ui/useResourceMutation';
import { AddCloudDialog } from './AddCloudDialog';
import { DeleteCloudDialog, EditCloudDialog, RenameCloudDialog } from './CloudDialogs';
import { CloudStatus } from './CloudStatus';
import { CreateContainerDialog } from './CreateContainerDialog';
import styles from './clouds.module.css';
import { EngineFactsLine } from './EngineFacts';

type Editing = { kind: 'rename' | 'edit' | 'delete' | 'container'; cloud: Cloud } | null;

export function CloudsPage() {
  const providerMeta = useProviderMeta();
  const clouds = useQuery(cloudsQuery);
  const permissions = usePermissions();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const list = clouds.data ?? [];
  const failing = list.filter((c) => c.enabled && c.pollStatus === 'error').length;
  const total = list.reduce((sum, c) => sum + Number(c.monthlyCost), 0);
  const refresh = useCloudRefresh(list);
  const queryClient = useQueryClient();

  const toggle = useResourceMutation({
    mutationFn: (cloud: Cloud) => updateCloud(cloud.id, { enabled: !cloud.enabled }),
    invalidates: [],
    onSuccess: (updated) => {
      queryClient.setQueryData<Cloud[]>(cloudKeys.list(), (current) =>
        current?.map((c) => (c.id === updated.id ? updated : c)),
      );
    },
    success: (updated) =>
      updated.enabled ? `${updated.title} is enabled and syncing again` : `${updated.title} is disabled`,
    successDescription: (updated) =>
      updated.enabled ? '' : 'It is no longer polled; its machines keep their last known state.',
    failure: (cloud) => `Couldn't change ${cloud.title}`,
  });
  const edit = (kind: NonNullable<Editing>['kind']) => (cloud: Cloud) => setEditing({ kind, cloud });
  const addCloud = useCreateButton('clouds', 'Add cloud', () => setAdding(true));

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
      actions={list.length > 0 ? addCloud : undefined}
    >
      <ResourceTable
        query={clouds}
        loadingLines={2}
        rows={list}
        rowKey={(cloud) => cloud.id}
        groupProps={(cloud) => ({ 'data-cloud-id': cloud.id })}
        className={styles.table}
        empty={
          <EmptyState icon={<CloudIcon />} title="No clouds yet" actions={addCloud}>
            <p>
              Add your AWS, Google Cloud, DigitalOcean, KVM, Docker or SSH hosts to see every machine in one
              place.
            </p>
            {!permissions.manageClouds && <p>Ask an admin of your organization to add one.</p>}
          </EmptyState>
        }
        columns={[
          { key: 'cloud', header: 'Cloud', cell: (cloud) => <CloudCell cloud={cloud} /> },
          { key: 'status', header: 'Status', cell: (cloud) => <CloudStatus cloud={cloud} /> },
          {
            key: 'sync',
            header: 'Last sync',
            className: table.muted,
            cell: (cloud) =>
              refresh.isRefreshing(cloud) ? (
                'Syncing now…'
              ) : (
                <RelativeTime value={cloud.lastPollAt} empty="Not yet" />
              ),
          },
          {
            key: 'machines',
            header: 'Machines',
            numeric: true,
            cell: (cloud) => (
              <Link to={`/machines?cloud=${cloud.id}`}>{formatCount(cloud.machineCount)}</Link>
            ),
          },
          {
            key: 'cost',
            header: 'Cost / mo',
            numeric: true,
            cell: (cloud) => formatMoney(cloud.monthlyCost),
          },
        ]}
        detail={(cloud) =>
          cloud.enabled && cloud.pollStatus === 'error' && cloud.lastError ? (
            <p className={styles.errorMessage}>
              <strong>Last sync failed</strong> <RelativeTime value={cloud.lastErrorAt} />: {cloud.lastError}
            </p>
          ) : null
        }
        rowControls={(cloud) =>
          permissions.operate && (
            <>
              {providerMeta(cloud.provider).features.containers && cloud.enabled && (
                <Button
                  size="sm"
                  variant="ghost"
                  icon={<PlusIcon />}
                  onClick={() => setEditing({ kind: 'container', cloud })}
                  aria-label={`New container on ${cloud.title}`}
                  title="New container"
                >
                  New container
                </Button>
              )}
              <Button
                size="sm"
                variant="ghost"
                icon={<RefreshIcon />}
                onClick={() => refresh.start(cloud)}
                busy={refresh.isRefreshing(cloud)}
                disabled={!cloud.enabled}
                aria-label={`Refresh ${cloud.title} now`}
                title={cloud.enabled ? 'Refresh now' : 'Enable the cloud to refresh it'}
              />
            </>
          )
        }
        actionsLabel={(cloud) => `Actions for ${cloud.title}`}
        actions={[
          { label: 'Rename', icon: <PencilIcon />, requires: MANAGE, onSelect: edit('rename') },
          {
            label: 'Edit credentials and settings',
            icon: <KeyIcon />,
            requires: MANAGE,
            onSelect: edit('edit'),
          },
          {
            label: (cloud) => (cloud.enabled ? 'Disable' : 'Enable'),
            icon: <PowerIcon />,
            requires: MANAGE,
            disabled: () => toggle.isPending,
            onSelect: (cloud) => toggle.mutate(cloud),
          },
          { label: 'Delete', icon: <TrashIcon />, danger: true, requires: MANAGE, onSelect: edit('delete') },
        ]}
      />
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

const MANAGE = (permissions: Permissions) => permissions.manageClouds;

function CloudCell({ cloud }: { cloud: Cloud }) {
  const providerMeta = useProviderMeta();
  const meta = providerMeta(cloud.provider);
  return (
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
        {meta.features.containers && cloud.enabled && <EngineFactsLine cloudId={cloud.id} />}
      </div>
    </div>
  );
}

/** How long a refresh waits for the cloud to report a new poll before giving up quietly. */
const REFRESH_WAIT_MS = 30_000;

/**
 * "Refresh now" on clouds. A sync ends quietly when nothing changed, so the list is looked at
 * until the cloud says it polled again (or half a minute goes by), then the result is told.
 */
function useCloudRefresh(list: Cloud[]) {
  const queryClient = useQueryClient();
  // Per cloud being refreshed: the last poll time seen when "Refresh" was pressed, and when.
  const [waiting, setWaiting] = useState<Waiting>({});

  const refresh = useResourceMutation({
    mutationFn: (cloud: Cloud) => refreshCloud(cloud.id),
    invalidates: [],
    failure: (cloud) => `Couldn't refresh ${cloud.title}`,
    onSuccess: ({ queued }, cloud) => {
      if (queued) return;
      setWaiting(without(cloud.id));
      toast.info(`${cloud.title} will sync at its next scheduled poll`, {
        description: "The job queue didn't answer in time.",
      });
    },
    onError: (_error, cloud) => setWaiting(without(cloud.id)),
  });

  useEffect(() => {
    const ids = Object.keys(waiting);
    if (ids.length === 0) return;
    for (const id of ids) {
      const cloud = list.find((c) => c.id === id);
      const since = waiting[id];
      if (!cloud || !since || lastPollOf(cloud) <= since.lastPoll) continue;
      setWaiting(without(id));
      if (cloud.pollStatus === 'error')
        toast.error(`${cloud.title} failed to sync`, { description: cloud.lastError ?? '' });
      else
        toast.success(`${cloud.title} is up to date`, { description: plural(cloud.machineCount, 'machine') });
    }
    const poll = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: cloudKeys.list() });
      const now = Date.now();
      setWaiting((current) =>
        Object.fromEntries(Object.entries(current).filter(([, w]) => now - w.at < REFRESH_WAIT_MS)),
      );
    }, 1500);
    return () => clearInterval(poll);
  }, [waiting, list, queryClient]);

  return {
    start: (cloud: Cloud) => {
      setWaiting((current) => ({ ...current, [cloud.id]: { lastPoll: lastPollOf(cloud), at: Date.now() } }));
      refresh.mutate(cloud);
    },
    isRefreshing: (cloud: Cloud) => cloud.id in waiting,
  };
}

type Waiting = Record<string, { lastPoll: number; at: number }>;

const without =
  (id: string) =>
  (current: Waiting): Waiting =>
    Object.fromEntries(Object.entries(current).filter(([key]) => key !== id));

function lastPollOf(cloud: Cloud): number {
  return cloud.lastPollAt ? Date.parse(cloud.lastPollAt) : 0;
}
