import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { listMachines } from '../api/machines';
import type { Volume } from '../api/types';
import { attachVolume, volumeKeys } from '../api/volumes';
import { StateBadge } from '../machines/StateBadge';
import { FormDialog } from '../ui/FormDialog';
import { SearchField } from '../ui/filters';
import layout from '../ui/layout.module.css';
import { RadioOption } from '../ui/RadioOption';
import { Skeleton } from '../ui/Skeleton';
import { useResourceMutation } from '../ui/useResourceMutation';
import { markVolumeOp } from './pending';
import styles from './volumes.module.css';

/** Picks a machine of the volume's cloud; those in its location come first. */
export function AttachVolumeDialog({ volume, onClose }: { volume: Volume; onClose: () => void }) {
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [machineId, setMachineId] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 200);
    return () => clearTimeout(timer);
  }, [search]);

  const machines = useQuery({
    queryKey: ['machines', 'attach-picker', volume.cloudId, q],
    queryFn: ({ signal }) => listMachines({ cloud: volume.cloudId, q: q || undefined }, null, 50, signal),
    staleTime: 10_000,
  });
  const items = [...(machines.data?.items ?? [])].sort(
    (a, b) => Number(b.location === volume.location) - Number(a.location === volume.location),
  );
  const chosen = items.find((m) => m.id === machineId);

  const attach = useResourceMutation({
    mutationFn: () => attachVolume(volume.id, machineId),
    invalidates: [volumeKeys.all],
    success: `Attaching ${volume.name} to ${chosen?.name ?? 'the machine'}`,
    successDescription: 'The list updates when the provider confirms.',
    onSuccess: () => {
      markVolumeOp(volume.id, {
        op: 'attach',
        machineId,
        machineName: chosen?.name ?? '',
        since: Date.now(),
      });
      onClose();
    },
  });

  return (
    <FormDialog
      onClose={onClose}
      busy={attach.isPending}
      title={`Attach ${volume.name}`}
      description={`To a machine of ${volume.cloudTitle}${volume.location ? ` in ${volume.location}` : ''}.`}
      formId="attach-volume"
      noValidate
      submitLabel="Attach"
      submitDisabled={!machineId}
      error={attach.error}
      onSubmit={() => attach.mutate()}
    >
      <SearchField
        label="Search machines"
        placeholder="Search machines"
        value={search}
        onChange={setSearch}
      />
      <div className={styles.machineList} role="radiogroup" aria-label="Machine">
        {machines.isPending ? (
          <div className={styles.pad}>
            <Skeleton width="60%" />
          </div>
        ) : items.length === 0 ? (
          <p className={`${layout.note} ${styles.pad}`}>
            {q
              ? `No machine of ${volume.cloudTitle} matches “${q}”.`
              : `${volume.cloudTitle} has no machines.`}
          </p>
        ) : (
          items.map((m) => (
            <RadioOption
              key={m.id}
              name="machine"
              value={m.id}
              chosen={m.id === machineId}
              onChoose={() => setMachineId(m.id)}
              className={styles.machineOption}
              chosenClassName={styles.chosen}
            >
              <span className={styles.machineName}>{m.name}</span>
              <StateBadge machineId={m.id} state={m.state} rawState={m.rawState} provider={m.provider} />
              <span className={m.location === volume.location ? layout.muted : layout.warnText}>
                {m.location ?? '—'}
                {volume.location && m.location !== volume.location ? ' (other location)' : ''}
              </span>
            </RadioOption>
          ))
        )}
      </div>
      {machines.data && machines.data.total > items.length && (
        <p className={layout.note}>
          Showing {items.length} of {machines.data.total}; search to find others.
        </p>
      )}
    </FormDialog>
  );
}
