import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { listMachines, machineKeys } from '../api/machines';
import type { CloudProvider } from '../api/types';
import { Button } from '../ui/Button';
import { SelectField, TextAreaField } from '../ui/Field';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import styles from './clouds.module.css';
import { OrgKeyPicker, type PickerProps } from './OrgKeyPicker';
import { type FieldSpec, type FormValues, PROVIDER_FORMS } from './providerForms';

interface ProviderFieldsProps {
  provider: CloudProvider;
  values: FormValues;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
  /** When editing: secrets are never shown back, so empty means "keep the stored one". */
  editing?: boolean;
}

/** The inputs one provider needs, with their hints. */
export function ProviderFields({ provider, values, errors, onChange, editing = false }: ProviderFieldsProps) {
  const form = PROVIDER_FORMS[provider];
  const credentials = form.fields.filter((f) => f.target === 'credentials');
  const config = form.fields.filter((f) => f.target === 'config');
  // Config first for libvirt and SSH hosts (where), credentials first otherwise (who).
  const ordered =
    provider === 'libvirt' || provider === 'ssh_host' || provider === 'docker'
      ? [...config, ...credentials]
      : form.fields;
  return (
    <div className={layout.stack}>
      {ordered.map((field) => (
        <ProviderField
          key={field.name}
          field={field}
          value={values[field.name] ?? ''}
          error={errors[field.name]}
          onChange={(value) => onChange(field.name, value)}
          editing={editing}
        />
      ))}
    </div>
  );
}

function ProviderField({
  field,
  value,
  error,
  onChange,
  editing,
}: {
  field: FieldSpec;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  editing: boolean;
}) {
  const fileRef = useRef<HTMLInputElement>(null);
  const secretLike = field.target === 'credentials';
  const aside = editing && secretLike ? 'leave empty to keep' : field.required ? undefined : 'optional';
  const common = {
    label: field.label,
    aside,
    error,
    placeholder: field.placeholder,
    value,
    autoComplete: 'off',
    spellCheck: false,
    name: field.name,
  };
  if (field.kind === 'machine') {
    return <SshHostPicker {...common} hint={field.hint} onChange={onChange} />;
  }
  if (field.kind === 'orgKey') {
    return <OrgKeyPicker {...common} aside="optional" onChange={onChange} />;
  }
  if (field.kind === 'textarea') {
    return (
      <div className={layout.stackSmall}>
        <TextAreaField
          {...common}
          mono={field.mono}
          rows={field.file ? 5 : 3}
          hint={field.hint}
          onChange={(e) => onChange(e.target.value)}
        />
        {field.file && (
          <>
            <Button size="xs" onClick={() => fileRef.current?.click()} className={styles.fileButton}>
              Load from file…
            </Button>
            <input
              ref={fileRef}
              type="file"
              hidden
              accept={field.name === 'serviceAccount' ? '.json,application/json' : undefined}
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file && file.size < 64 * 1024) onChange(await file.text());
                e.target.value = '';
              }}
            />
          </>
        )}
      </div>
    );
  }
  return (
    <TextField
      {...common}
      type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
      hint={field.hint}
      className={field.mono ? styles.monoInput : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** The SSH hosts Overcast already logs in to, to reach a Docker engine through one of them. */
function SshHostPicker({ label, aside, error, hint, value, name, onChange }: PickerProps) {
  const hosts = useQuery({
    // Not under machineKeys.lists(): those hold the paged lists the live stream patches.
    queryKey: [...machineKeys.all, 'ssh-hosts'],
    queryFn: ({ signal }) => listMachines({ provider: 'ssh_host', sort: 'name' }, null, 500, signal),
  });
  const items = hosts.data?.items ?? [];
  return (
    <SelectField
      label={label}
      aside={aside}
      error={error}
      hint={hosts.isSuccess && items.length === 0 ? 'No SSH hosts yet: add an SSH hosts cloud first.' : hint}
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">None: use the address above</option>
      {items.map((m) => (
        <option key={m.id} value={m.id}>
          {m.name} ({m.publicIps[0] ?? m.privateIps[0] ?? 'no address'})
        </option>
      ))}
    </SelectField>
  );
}
