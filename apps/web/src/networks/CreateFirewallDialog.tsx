import { NETWORK_NAME_MAX, networkNameProblem } from '@overcast/contracts/network-names';
import { useState } from 'react';
import { errorField, errorText } from '../api/errors';
import { createFirewall, networkKeys } from '../api/networks';
import type { Cloud } from '../api/types';
import { MachineChecklist } from '../automation/MachineChecklist';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import { NameField } from '../ui/NameField';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './networks.module.css';

/** The inputs an API error can be about, named as in the request body. */
const FIELDS = ['cloudId', 'name', 'machineIds'] as const;
type FieldName = (typeof FIELDS)[number];

/**
 * A firewall for chosen machines of one cloud whose provider makes them (`features.firewallsMade`):
 * it lets nothing in until rules are added on its card.
 */
export function CreateFirewallDialog({ clouds, onClose }: { clouds: Cloud[]; onClose: () => void }) {
  const [cloudId, setCloudId] = useState(clouds[0]?.id ?? '');
  const [name, setName] = useState('');
  const [machineIds, setMachineIds] = useState<string[]>([]);
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const create = useResourceMutation({
    mutationFn: () => createFirewall({ cloudId, name: name.trim(), machineIds }),
    invalidates: [networkKeys.all],
    success: (firewall) => `Created ${firewall.name}`,
    onSuccess: onClose,
  });
  // The server's refusal goes beside the input it names, or at the top when it names none.
  const serverField = errorField(create.error, FIELDS);
  const errorOf = (field: FieldName) =>
    problems[field] ?? (serverField === field ? errorText(create.error) : undefined);

  function submit() {
    const next: Partial<Record<FieldName, string>> = {};
    const nameProblem = networkNameProblem(name.trim());
    if (nameProblem) next.name = nameProblem;
    if (machineIds.length === 0) next.machineIds = 'Choose at least one machine.';
    setProblems(next);
    if (Object.keys(next).length === 0) create.mutate();
  }

  return (
    <FormDialog
      onClose={onClose}
      busy={create.isPending}
      title="New firewall"
      description="It lets nothing in until you add rules to it."
      formId="create-firewall"
      noValidate
      submitLabel="Create firewall"
      submitDisabled={clouds.length === 0}
      error={serverField ? null : create.error}
      onSubmit={submit}
    >
      <SelectField
        label="Cloud"
        value={cloudId}
        onChange={(e) => {
          setCloudId(e.target.value);
          // Machines of the cloud left behind cannot go with the new one.
          setMachineIds([]);
        }}
        error={errorOf('cloudId')}
      >
        {clouds.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </SelectField>
      <NameField value={name} onChange={setName} maxLength={NETWORK_NAME_MAX} error={errorOf('name')} />
      <fieldset className={forms.fieldset}>
        <legend className="visually-hidden">Machines it applies to</legend>
        <MachineChecklist
          key={cloudId}
          cloudId={cloudId}
          label="Machines it applies to"
          selected={machineIds}
          onChange={setMachineIds}
        />
        {errorOf('machineIds') && (
          <p className={styles.fieldError} role="alert">
            {errorOf('machineIds')}
          </p>
        )}
      </fieldset>
    </FormDialog>
  );
}
