import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorText } from '../api/errors';
import { machineKeys, setMachineTags } from '../api/machines';
import { plural } from '../format/number';
import { patchMachineLists } from '../live/cache';
import { Alert } from '../ui/Alert';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import { forEachLimited, type MachineRef } from './runActions';

/** Sets one Overcast tag on several machines. */
export function TagDialog({
  open,
  machines,
  onClose,
}: {
  open: boolean;
  machines: MachineRef[];
  onClose: () => void;
}) {
  if (!open) return null;
  return <TagDialogBody machines={machines} onClose={onClose} />;
}

function TagDialogBody({ machines, onClose }: { machines: MachineRef[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | undefined>();

  async function onSubmit() {
    const k = key.trim();
    if (!k) {
      setKeyError('Enter a key, such as team or env.');
      return;
    }
    setBusy(true);
    setError(null);
    const { ok, failed } = await forEachLimited(machines, 4, (m) => setMachineTags(m.id, { [k]: value }));
    setBusy(false);
    // Tag changes don't come back on the stream, so the rows are updated here.
    patchMachineLists(
      queryClient,
      new Map(ok.map((m) => [m.id, (machine) => ({ ...machine, tags: { ...machine.tags, [k]: value } })])),
    );
    for (const m of ok) void queryClient.invalidateQueries({ queryKey: machineKeys.detail(m.id) });
    const label = value ? `${k}=${value}` : k;
    if (failed.length === 0) {
      toast.success(`Tagged ${ok.length === 1 ? ok[0]!.name : plural(ok.length, 'machine')} with ${label}`);
      onClose();
    } else {
      const first = failed[0]!;
      setError(`${first.item.name}: ${errorText(first.error)}`);
      if (ok.length) toast.success(`Tagged ${plural(ok.length, 'machine')} with ${label}`);
    }
  }

  return (
    <FormDialog
      onClose={onClose}
      busy={busy}
      size="sm"
      title={`Tag ${machines.length === 1 ? machines[0]!.name : plural(machines.length, 'machine')}`}
      description="Overcast tags sit beside the provider's own tags and can be filtered on. A cost_per_month tag sets the machine's monthly cost."
      formId="tag-form"
      noValidate
      submitLabel="Add tag"
      onSubmit={onSubmit}
    >
      <div className={forms.twoColumns}>
        <TextField
          label="Key"
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
            setKeyError(undefined);
          }}
          error={keyError}
          maxLength={128}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          label="Value"
          aside="optional"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          maxLength={256}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {error && <Alert>{error}</Alert>}
    </FormDialog>
  );
}
