import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorText } from '../api/errors';
import { machineKeys } from '../api/machines';
import { deleteSnapshot, revertSnapshot, snapshotKeys, snapshotsQuery, takeSnapshot } from '../api/snapshots';
import type { Snapshot } from '../api/types';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { FormDialog } from '../ui/FormDialog';
import { InlineForm } from '../ui/InlineForm';
import layout from '../ui/layout.module.css';
import { Menu } from '../ui/Menu';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { Spinner } from '../ui/Spinner';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './SnapshotsCard.module.css';

const defaultName = (machine: string) =>
  `${machine}-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}`.slice(0, 63);

/**
 * A machine's snapshots at its provider: the list, taking one, reverting to one (confirmed) and
 * deleting one. Shown only where the provider's features include snapshots.
 */
export function SnapshotsCard({
  machine,
  canTake,
  canChange,
}: {
  machine: { id: string; name: string; state: string };
  canTake: boolean;
  canChange: boolean;
}) {
  const snapshots = useQuery(snapshotsQuery(machine.id));
  const [name, setName] = useState(() => defaultName(machine.name));
  const [confirm, setConfirm] = useState<{ snapshot: Snapshot; op: 'revert' | 'delete' } | null>(null);
  const stale = [snapshotKeys.all(machine.id), machineKeys.detail(machine.id)];

  const take = useResourceMutation({
    mutationFn: (n: string) => takeSnapshot(machine.id, n),
    invalidates: stale,
    success: (_, n) => `Taking snapshot ${n}`,
    onSuccess: () => setName(defaultName(machine.name)),
  });
  const change = useResourceMutation({
    mutationFn: ({ snapshot, op }: { snapshot: Snapshot; op: 'revert' | 'delete' }) =>
      op === 'revert' ? revertSnapshot(machine.id, snapshot.id) : deleteSnapshot(machine.id, snapshot.id),
    invalidates: stale,
    success: (_, { snapshot, op }) =>
      op === 'revert' ? `${machine.name} is back at ${snapshot.name}` : `Deleted snapshot ${snapshot.name}`,
    onSuccess: () => setConfirm(null),
  });
  const items = snapshots.data?.items ?? [];
  // A provider that reverts only a running (EC2) or a stopped (Compute Engine) machine.
  const needs = snapshots.data?.revertNeeds ?? null;
  const wrongState = needs !== null && machine.state !== needs;
  // A provider that deletes no snapshot on request (a new one replaces the last) offers no Delete.
  const actions = (s: Snapshot) => [
    ...(snapshots.data?.canRevert
      ? [{ label: 'Revert to this', onSelect: () => setConfirm({ snapshot: s, op: 'revert' }) }]
      : []),
    ...(snapshots.data?.canDelete
      ? [{ label: 'Delete', danger: true, onSelect: () => setConfirm({ snapshot: s, op: 'delete' }) }]
      : []),
  ];

  return (
    <Card title="Snapshots" meta={snapshots.data ? `${items.length}` : undefined}>
      <div className={layout.stack}>
        {canTake && (
          <InlineForm onSubmit={() => take.mutate(name.trim())} error={take.error}>
            <TextField
              label="Snapshot name"
              value={name}
              maxLength={63}
              required
              onChange={(e) => setName(e.target.value)}
              className={styles.name}
            />
            <Button type="submit" busy={take.isPending} disabled={name.trim() === ''}>
              Take snapshot
            </Button>
          </InlineForm>
        )}
        {snapshots.isError ? (
          <Alert>{errorText(snapshots.error)}</Alert>
        ) : !snapshots.data ? (
          <Skeleton width="60%" />
        ) : items.length === 0 ? (
          <p className={layout.muted}>No snapshots of this machine yet.</p>
        ) : (
          <ul className={styles.list} aria-label="Snapshots">
            {items.map((s) => (
              <li key={s.id} className={styles.item} data-snapshot={s.name}>
                <span className={styles.label}>
                  <span className={layout.break}>{s.name}</span>
                  <span className={layout.note}>
                    <RelativeTime value={s.createdAt} empty="just now" />
                    {s.sizeGb !== null && ` · ${s.sizeGb} GB`}
                  </span>
                </span>
                {s.state === 'creating' ? (
                  <Badge tone="info">
                    <Spinner size="sm" /> Taking…
                  </Badge>
                ) : s.state === 'error' ? (
                  <Badge tone="danger">Failed</Badge>
                ) : (
                  canChange &&
                  actions(s).length > 0 && (
                    <Menu label={`Actions for snapshot ${s.name}`} items={actions(s)} />
                  )
                )}
              </li>
            ))}
          </ul>
        )}
        {snapshots.data && !snapshots.data.canDelete && (
          <p className={layout.note}>
            This provider deletes no snapshot on request: a new snapshot replaces the last one.
          </p>
        )}
      </div>
      {confirm && (
        <FormDialog
          title={
            confirm.op === 'revert' ? `Revert ${machine.name}?` : `Delete snapshot ${confirm.snapshot.name}?`
          }
          tone="danger"
          size="sm"
          busy={change.isPending}
          error={change.error}
          submitLabel={confirm.op === 'revert' ? 'Revert' : 'Delete snapshot'}
          submitDisabled={confirm.op === 'revert' && wrongState}
          status={
            change.isPending && confirm.op === 'revert' ? (
              <span className={layout.muted}>
                <Spinner size="sm" /> Restoring the disk…
              </span>
            ) : undefined
          }
          onClose={() => {
            change.reset();
            setConfirm(null);
          }}
          onSubmit={() => change.mutate(confirm)}
        >
          <p>
            {confirm.op === 'revert'
              ? `${machine.name}'s disk is replaced by the snapshot ${confirm.snapshot.name}. Whatever changed since it was taken is lost.`
              : `The snapshot ${confirm.snapshot.name} is deleted at the provider. This cannot be undone.`}
            {confirm.op === 'revert' && needs === 'stopped' && ' It stays stopped afterwards.'}
            {confirm.op === 'revert' && needs === 'running' && ' It restarts on the restored disk.'}
          </p>
          {confirm.op === 'revert' && wrongState && (
            <Alert>
              {machine.name} is {machine.state}: this provider reverts only a {needs} machine.{' '}
              {needs === 'stopped' ? 'Stop' : 'Start'} it first, then revert.
            </Alert>
          )}
        </FormDialog>
      )}
    </Card>
  );
}
