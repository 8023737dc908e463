import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MachineAction } from '../api/types';
import { plural } from '../format/number';
import { Alert } from '../ui/Alert';
import { ConfirmPhraseField } from '../ui/ConfirmPhraseField';
import { FormDialog } from '../ui/FormDialog';
import { TextField } from '../ui/TextField';
import styles from './machines.module.css';
import { type MachineRef, runMachineActions } from './runActions';
import { ACTION_LABEL } from './state';

export interface ActionRequest {
  action: MachineAction;
  machines: MachineRef[];
  /** Docker containers: destroy may take their anonymous volumes along. */
  containers?: boolean;
  /** Its provider bills a stopped machine's compute until it is deallocated. */
  stopStillBills?: boolean;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Asks before stop, reboot, destroy (typed) and rename; start needs no dialog. */
export function ActionDialog({
  request,
  onClose,
  onDone,
}: {
  request: ActionRequest | null;
  onClose: () => void;
  onDone?: (action: MachineAction) => void;
}) {
  if (!request) return null;
  // Keyed so each request starts with empty fields.
  return (
    <ActionDialogBody
      key={`${request.action}:${request.machines.map((m) => m.id).join(',')}`}
      request={request}
      onClose={onClose}
      onDone={onDone}
    />
  );
}

function ActionDialogBody({
  request,
  onClose,
  onDone,
}: {
  request: ActionRequest;
  onClose: () => void;
  onDone: ((action: MachineAction) => void) | undefined;
}) {
  const { action, machines } = request;
  const single = machines.length === 1 ? machines[0]! : null;
  const [typed, setTyped] = useState(action === 'rename' && single ? single.name : '');
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [removeVolumes, setRemoveVolumes] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const target = single ? single.name : plural(machines.length, 'machine');
  const destroyPhrase = single ? single.name : `destroy ${machines.length} machines`;

  let canSubmit = true;
  let fieldError: string | undefined;
  if (action === 'destroy') canSubmit = typed.trim() === destroyPhrase;
  if (action === 'rename') {
    canSubmit = NAME_PATTERN.test(typed) && typed !== single?.name;
    if (typed && !NAME_PATTERN.test(typed)) {
      fieldError = 'Use letters, digits, dots, dashes and underscores, starting with a letter or digit.';
    }
  }

  async function onSubmit() {
    if (!canSubmit || busy) return;
    setBusy(true);
    setError(null);
    const result = await runMachineActions(
      queryClient,
      machines,
      action,
      action === 'rename'
        ? { name: typed }
        : action === 'destroy' && request.containers
          ? { removeVolumes }
          : {},
    );
    setBusy(false);
    if (result.failed.length === machines.length) {
      setError(result.failed[0]!.message);
      return;
    }
    onDone?.(action);
    onClose();
  }

  const copy: Record<MachineAction, { title: string; body: string }> = {
    start: { title: `Start ${target}?`, body: 'The machine boots and is billed while it runs.' },
    stop: {
      title: `Stop ${target}?`,
      body: request.stopStillBills
        ? 'It shuts down but keeps its hardware, so its provider still bills compute as if it were running. To stop the compute charge, deallocate it instead.'
        : 'It shuts down and anything running on it stops. Disks are kept; most providers stop charging for compute while it is stopped.',
    },
    reboot: {
      title: `Reboot ${target}?`,
      body: 'It restarts; anything running on it is interrupted for a moment.',
    },
    destroy: {
      title: `Destroy ${target}?`,
      body: `This deletes ${single ? 'the machine' : 'the machines'} at the provider, with local disks. It can't be undone.`,
    },
    rename: { title: `Rename ${target}`, body: 'The new name is set at the provider too.' },
    pause: {
      title: `Pause ${target}?`,
      body: 'Its processes are frozen in place until it is unpaused; nothing is lost.',
    },
    unpause: { title: `Unpause ${target}?`, body: 'Its processes carry on where they were frozen.' },
    deallocate: {
      title: `Deallocate ${target}?`,
      body: 'It shuts down and its hardware is released: compute billing stops, only its disks are billed. Starting it again may take longer, and a dynamic public IP address may change.',
    },
  };

  return (
    <FormDialog
      onClose={onClose}
      busy={busy}
      size="sm"
      title={copy[action].title}
      formId="machine-action-form"
      noValidate
      tone={action === 'destroy' ? 'danger' : 'primary'}
      submitDisabled={!canSubmit}
      submitLabel={
        action === 'destroy'
          ? `Destroy ${single ? 'machine' : plural(machines.length, 'machine')}`
          : action === 'rename'
            ? 'Rename'
            : `${ACTION_LABEL[action]} ${single ? 'machine' : plural(machines.length, 'machine')}`
      }
      onSubmit={onSubmit}
    >
      {action === 'destroy' ? (
        <Alert>{copy[action].body}</Alert>
      ) : (
        <p className={styles.dialogText}>{copy[action].body}</p>
      )}
      {!single && (
        <ul className={styles.nameList}>
          {machines.slice(0, 8).map((m) => (
            <li key={m.id}>{m.name}</li>
          ))}
          {machines.length > 8 && <li>and {plural(machines.length - 8, 'more', 'more')}</li>}
        </ul>
      )}
      {action === 'destroy' && (
        <ConfirmPhraseField phrase={destroyPhrase} value={typed} onChange={setTyped} />
      )}
      {action === 'destroy' && request.containers && (
        <label className={styles.checkLine}>
          <input
            type="checkbox"
            checked={removeVolumes}
            onChange={(e) => setRemoveVolumes(e.target.checked)}
          />
          Also remove its anonymous volumes (named volumes are kept)
        </label>
      )}
      {action === 'rename' && (
        <TextField
          label="New name"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          error={fieldError}
          autoComplete="off"
          spellCheck={false}
        />
      )}
      {error && <Alert>{error}</Alert>}
    </FormDialog>
  );
}
