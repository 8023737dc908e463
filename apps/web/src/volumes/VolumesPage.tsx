import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { errorText } from '../api/errors';
import type { Volume } from '../api/types';
import {
  deleteVolume,
  detachVolume,
  VOLUME_PAGE_SIZE,
  type VolumeFilters,
  volumeKeys,
  volumeListQuery,
} from '../api/volumes';
import { usePermissions } from '../auth/permissions';
import { formatCount, formatMoney, plural } from '../format/number';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { Dialog } from '../ui/Dialog';
import { EmptyState } from '../ui/EmptyState';
import { LinkIcon, TrashIcon, VolumeIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Menu } from '../ui/Menu';
import { Page } from '../ui/Page';
import { Pager } from '../ui/Pager';
import { LoadError } from '../ui/QueryState';
import { Skeleton } from '../ui/Skeleton';
import { toast } from '../ui/toast';
import { useCreateButton } from '../ui/useCreateButton';
import { useUrlParams } from '../ui/useUrlParams';
import { AttachVolumeDialog } from './AttachVolumeDialog';
import { CreateVolumeDialog } from './CreateVolumeDialog';
import {
  clearCreate,
  clearVolumeOp,
  markVolumeOp,
  type PendingVolumeOp,
  pendingCreates,
  pendingVolumeOps,
} from './pending';
import { volumeLook } from './state';
import { VolumeFilterBar } from './VolumeFilterBar';
import styles from './volumes.module.css';

type Confirm = { kind: 'detach' | 'delete'; volume: Volume } | null;

const FILTER_KEYS = ['q', 'state', 'cloud'] as const;

function filtersFromParams(params: URLSearchParams): VolumeFilters {
  const page = Number(params.get('page'));
  return {
    q: params.get('q') ?? undefined,
    state: params.get('state') ?? undefined,
    cloud: params.get('cloud') ?? undefined,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

export function VolumesPage() {
  const [params, setParams] = useUrlParams();
  const filters = filtersFromParams(params);
  const filtered = FILTER_KEYS.some((k) => filters[k]);
  // Filters and the page live in the URL; a new filter starts again at page 1.
  const change = useCallback(
    (changes: Partial<VolumeFilters>) =>
      setParams(
        (next) => {
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === '' || (key === 'page' && value === 1)) next.delete(key);
            else next.set(key, String(value));
          }
          if (!('page' in changes)) next.delete('page');
        },
        { replace: !('page' in changes) },
      ),
    [setParams],
  );
  const volumes = useQuery(volumeListQuery(filters));
  const clouds = useQuery(cloudsQuery);
  const permissions = usePermissions();
  const [creating, setCreating] = useState(false);
  const [attaching, setAttaching] = useState<Volume | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const pending = pendingVolumeOps.use();
  const creates = pendingCreates.use();
  const list = volumes.data?.items ?? [];
  const providerOf = new Map((clouds.data ?? []).map((c) => [c.id, c.provider]));

  // Pending operations end when the list shows their result.
  useEffect(() => {
    if (!volumes.data) return;
    const byId = new Map(volumes.data.items.map((v) => [v.id, v]));
    for (const [id, op] of pendingVolumeOps.get()) {
      const volume = byId.get(id);
      if (op.op === 'delete' && (!volume || volume.missingSince)) clearVolumeOp(id);
      if (op.op === 'attach' && volume?.attachedTo.some((a) => a.machineId === op.machineId))
        clearVolumeOp(id);
      if (op.op === 'detach' && volume && !volume.attachedTo.some((a) => a.machineId === op.machineId))
        clearVolumeOp(id);
    }
    for (const create of pendingCreates.get()) {
      if (volumes.data.items.some((v) => v.cloudId === create.cloudId && v.name === create.name))
        clearCreate(create.key);
    }
  }, [volumes.data]);

  const hasClouds = (clouds.data?.length ?? 0) > 0;
  const createVolume = useCreateButton('volumes', 'Create volume', () => setCreating(true));

  return (
    <Page
      title="Volumes"
      description={
        volumes.data?.total
          ? `${plural(volumes.data.total, 'volume')}${filtered ? ' match' : ''}, ${formatCount(volumes.data.totalSizeGb)} GB in all`
          : 'Disks and block storage across your clouds.'
      }
      actions={hasClouds ? createVolume : undefined}
    >
      {volumes.isPending ? (
        <Card>
          <Skeleton width="50%" />
        </Card>
      ) : volumes.isError ? (
        <LoadError error={volumes.error} onRetry={volumes.refetch} />
      ) : list.length === 0 && creates.length === 0 && !filtered ? (
        <EmptyState
          icon={<VolumeIcon />}
          title="No volumes yet"
          actions={
            hasClouds ? (
              createVolume
            ) : (
              <ButtonLink to="/clouds" variant="primary">
                Add a cloud
              </ButtonLink>
            )
          }
        >
          <p>
            Disks and block storage from your clouds are listed here, with their size, location and the
            machine each one is attached to.
          </p>
          <p>
            {hasClouds
              ? 'Create one, or add one at your provider: it shows up after the next sync.'
              : 'They appear once you add a cloud.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <VolumeFilterBar filters={filters} onChange={change} clouds={clouds.data ?? []} />
          {list.length === 0 && creates.length === 0 ? (
            <EmptyState icon={<VolumeIcon />} title="No volume matches">
              <p>Try another search or state, or clear the filters.</p>
            </EmptyState>
          ) : (
            <Card flush>
              <div className={table.scroll}>
                <table className={`${table.table} ${styles.table}`}>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Cloud</th>
                      <th scope="col" className={table.end}>
                        Size
                      </th>
                      <th scope="col">State</th>
                      <th scope="col">Location</th>
                      <th scope="col">Attached to</th>
                      <th scope="col" className={table.end}>
                        Cost / mo
                      </th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {creates.map((c) => (
                      <tr key={c.key} className={layout.muted}>
                        <td className={styles.name}>{c.name}</td>
                        <td>{c.cloudTitle}</td>
                        <td className={`${table.end} ${table.num}`}>{c.sizeGb} GB</td>
                        <td>
                          <Badge tone="info" dot="pulse">
                            Creating…
                          </Badge>
                        </td>
                        <td>{c.location}</td>
                        <td className={layout.muted}>—</td>
                        <td className={layout.muted}>—</td>
                        <td />
                      </tr>
                    ))}
                    {list.map((volume) => (
                      <VolumeRow
                        key={volume.id}
                        volume={volume}
                        provider={providerOf.get(volume.cloudId) ?? ''}
                        pending={pending.get(volume.id)}
                        canOperate={permissions.can('volumes', 'act')}
                        onAttach={() => setAttaching(volume)}
                        onConfirm={(kind) => setConfirm({ kind, volume })}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}
          <Pager
            label="Volume pages"
            page={filters.page ?? 1}
            pageSize={VOLUME_PAGE_SIZE}
            total={volumes.data?.total ?? 0}
            onPage={(page) => change({ page })}
          />
        </>
      )}
      <CreateVolumeDialog open={creating} onClose={() => setCreating(false)} clouds={clouds.data ?? []} />
      {attaching && <AttachVolumeDialog volume={attaching} onClose={() => setAttaching(null)} />}
      {confirm && <ConfirmVolumeDialog {...confirm} onClose={() => setConfirm(null)} />}
    </Page>
  );
}

function VolumeRow({
  volume,
  provider,
  pending,
  canOperate,
  onAttach,
  onConfirm,
}: {
  volume: Volume;
  provider: string;
  pending: PendingVolumeOp | undefined;
  canOperate: boolean;
  onAttach: () => void;
  onConfirm: (kind: 'detach' | 'delete') => void;
}) {
  const look = volumeLook(volume);
  const attached = volume.attachedTo.length > 0;
  const pendingLabel = pending
    ? pending.op === 'delete'
      ? 'Deleting…'
      : pending.op === 'attach'
        ? `Attaching to ${pending.machineName}…`
        : 'Detaching…'
    : null;
  return (
    <tr data-volume-id={volume.id}>
      <td className={styles.name}>{volume.name}</td>
      <td>
        <span className={styles.cloud}>
          {provider && <ProviderIcon provider={provider} />}
          {volume.cloudTitle}
        </span>
      </td>
      <td className={`${table.end} ${table.num}`}>{formatCount(volume.sizeGb)} GB</td>
      <td>
        {pendingLabel ? (
          <Badge tone="info" dot="pulse">
            {pendingLabel}
          </Badge>
        ) : (
          <Badge tone={look.tone} dot>
            {look.label}
          </Badge>
        )}
      </td>
      <td>{volume.location ?? <span className={layout.muted}>—</span>}</td>
      <td>
        {attached ? (
          <ul className={styles.attached}>
            {volume.attachedTo.map((a) => (
              <li key={a.externalId}>
                {a.machineId ? (
                  <Link to={`/machines/${a.machineId}`}>{a.name ?? a.externalId}</Link>
                ) : (
                  a.externalId
                )}
              </li>
            ))}
          </ul>
        ) : (
          <span className={layout.muted}>Not attached</span>
        )}
      </td>
      <td
        className={`${table.end} ${table.num}`}
        title={volume.priceUnknownReason ? `No price: ${volume.priceUnknownReason}` : undefined}
      >
        {volume.costMonthly === null ? (
          <span className={layout.muted}>no price</span>
        ) : (
          formatMoney(volume.costMonthly)
        )}
      </td>
      <td className={styles.actions}>
        {canOperate && !volume.missingSince && (
          <>
            {attached ? (
              <Button size="sm" onClick={() => onConfirm('detach')} disabled={Boolean(pending)}>
                Detach
              </Button>
            ) : (
              <Button size="sm" icon={<LinkIcon />} onClick={onAttach} disabled={Boolean(pending)}>
                Attach
              </Button>
            )}
            <Menu
              label={`Actions for ${volume.name}`}
              items={[
                {
                  label: attached ? 'Delete (detach it first)' : 'Delete',
                  icon: <TrashIcon />,
                  danger: true,
                  disabled: attached || Boolean(pending),
                  onSelect: () => onConfirm('delete'),
                },
              ]}
            />
          </>
        )}
      </td>
    </tr>
  );
}

function ConfirmVolumeDialog({
  kind,
  volume,
  onClose,
}: {
  kind: 'detach' | 'delete';
  volume: Volume;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const machine = volume.attachedTo[0];
  const run = useMutation({
    mutationFn: () =>
      kind === 'delete' ? deleteVolume(volume.id) : detachVolume(volume.id, machine?.machineId ?? ''),
    onSuccess: () => {
      if (kind === 'delete') markVolumeOp(volume.id, { op: 'delete', since: Date.now() });
      else
        markVolumeOp(volume.id, {
          op: 'detach',
          machineId: machine?.machineId ?? '',
          machineName: machine?.name ?? '',
          since: Date.now(),
        });
      toast.success(kind === 'delete' ? `Deleting ${volume.name}` : `Detaching ${volume.name}`, {
        description: 'The list updates when the provider confirms.',
      });
      void queryClient.invalidateQueries({ queryKey: volumeKeys.all });
      onClose();
    },
  });
  const title = kind === 'delete' ? `Delete ${volume.name}?` : `Detach ${volume.name}?`;
  return (
    <Dialog
      open
      onClose={onClose}
      busy={run.isPending}
      size="sm"
      title={title}
      footer={
        <>
          <Button onClick={onClose} disabled={run.isPending}>
            Cancel
          </Button>
          <Button
            variant={kind === 'delete' ? 'danger' : 'primary'}
            onClick={() => run.mutate()}
            busy={run.isPending}
          >
            {kind === 'delete' ? 'Delete volume' : 'Detach volume'}
          </Button>
        </>
      }
    >
      {kind === 'delete' ? (
        <Alert>
          The volume and everything on it are deleted at the provider ({formatCount(volume.sizeGb)} GB). This
          can't be undone.
        </Alert>
      ) : (
        <p className={layout.note}>
          {volume.name} is detached from {machine?.name ?? 'its machine'}. Unmount it on the machine first, or
          writes in progress may be lost.
        </p>
      )}
      {run.isError && <Alert>{errorText(run.error)}</Alert>}
    </Dialog>
  );
}
