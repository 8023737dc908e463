import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorField } from '../api/errors';
import { machineKeys } from '../api/machines';
import { cloneMachine } from '../api/snapshots';
import { Alert } from '../ui/Alert';
import { FormDialog } from '../ui/FormDialog';
import layout from '../ui/layout.module.css';
import { NameField } from '../ui/NameField';
import { Spinner } from '../ui/Spinner';
import { useResourceMutation } from '../ui/useResourceMutation';

/** Copies a stopped machine, disks included, into a new stopped machine; opens the copy when done. */
export function CloneDialog({
  machine,
  onClose,
}: {
  machine: { id: string; name: string; state: string };
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const [name, setName] = useState(`${machine.name}-copy`);
  const clone = useResourceMutation({
    mutationFn: () => cloneMachine(machine.id, name.trim()),
    invalidates: [machineKeys.lists()],
    success: (copy) => `Cloned ${machine.name} as ${copy.name}`,
    onSuccess: (copy) => navigate(`/machines/${copy.id}`),
  });
  const stopped = machine.state === 'stopped';
  const message = clone.error instanceof Error ? clone.error.message : undefined;
  const onName = errorField(clone.error, ['name'] as const) === 'name';
  return (
    <FormDialog
      title={`Clone ${machine.name}`}
      description="A new machine with a copy of each of its disks, in the same cloud. It starts out stopped and counts toward your quotas."
      busy={clone.isPending}
      error={onName ? null : clone.error}
      submitLabel="Clone"
      submitDisabled={!stopped || name.trim() === ''}
      status={
        clone.isPending ? (
          <span className={layout.muted} role="status">
            <Spinner size="sm" /> Copying the disks…
          </span>
        ) : undefined
      }
      onClose={onClose}
      onSubmit={() => clone.mutate()}
    >
      {!stopped && (
        <Alert tone="info">Stop {machine.name} first: its disks are copied only while it is stopped.</Alert>
      )}
      <NameField
        label="Name of the copy"
        value={name}
        onChange={setName}
        maxLength={63}
        error={onName ? message : undefined}
      />
    </FormDialog>
  );
}
