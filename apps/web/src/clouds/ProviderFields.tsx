import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { listMachines, machineKeys } from '../api/machines';
import type { ProviderInfo } from '../api/types';
import { useProviders } from '../providers/meta';
import { Button } from '../ui/Button';
import { SelectField, TextAreaField } from '../ui/Field';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import styles from './clouds.module.css';
import { OrgKeyPicker, type PickerProps } from './OrgKeyPicker';
import { type FieldSpec, type FormValues, formFields } from './schemaForm';

interface ProviderFieldsProps {
  provider: ProviderInfo;
  values: FormValues;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
  /** When editing: secrets are never shown back, so empty means "keep the stored one". */
  editing?: boolean;
}

/** The inputs one provider needs, drawn from its descriptor's schemas; rarely needed ones folded away. */
export function ProviderFields({ provider, values, errors, onChange, editing = false }: ProviderFieldsProps) {
  const fields = formFields(provider);
  const draw = (field: FieldSpec) => (
    <ProviderField
      key={field.name}
      field={field}
      value={values[field.name] ?? ''}
      error={errors[field.name]}
      onChange={(value) => onChange(field.name, value)}
      editing={editing}
    />
  );
  const more = fields.filter((f) => f.advanced);
  return (
    <div className={layout.stack}>
      {fields.filter((f) => !f.advanced).map(draw)}
      {more.length > 0 && (
        <details className={styles.advanced} open={more.some((f) => errors[f.name] || values[f.name])}>
          <summary>More {provider.label} options</summary>
          <div className={layout.stack}>{more.map(draw)}</div>
        </details>
      )}
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
  const label = field.group ? `${field.group.label}: ${field.label}` : field.label;
  const common = {
    label,
    aside,
    error,
    placeholder: field.placeholder,
    value,
    autoComplete: 'off',
    spellCheck: false,
    name: field.name,
  };
  if (field.widget === 'machine') {
    return <SshHostPicker {...common} hint={field.hint} onChange={onChange} />;
  }
  if (field.widget === 'orgKey') {
    return <OrgKeyPicker {...common} aside="optional" onChange={onChange} />;
  }
  if (field.widget === 'checkbox') {
    return (
      <label className={styles.checkbox}>
        <input
          type="checkbox"
          name={field.name}
          checked={value === 'true'}
          onChange={(e) => onChange(e.target.checked ? 'true' : '')}
        />{' '}
        {label}
      </label>
    );
  }
  const file = field.widget === 'file';
  if (file || field.widget === 'textarea' || (field.widget === 'list' && field.lineFormat)) {
    return (
      <div className={layout.stackSmall}>
        <TextAreaField
          {...common}
          mono={field.mono}
          rows={file ? 5 : 3}
          hint={field.hint}
          onChange={(e) => onChange(e.target.value)}
        />
        {file && (
          <>
            <Button size="xs" onClick={() => fileRef.current?.click()} className={styles.fileButton}>
              Load from file…
            </Button>
            <input
              ref={fileRef}
              type="file"
              hidden
              accept={field.placeholder?.startsWith('{') ? '.json,application/json' : undefined}
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
      type={field.widget === 'secret' ? 'password' : field.widget === 'number' ? 'number' : 'text'}
      hint={field.hint}
      className={field.mono ? styles.monoInput : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** The SSH hosts Overcast already logs in to, to reach an engine through one of them. */
function SshHostPicker({ label, aside, error, hint, value, name, onChange }: PickerProps) {
  const { list } = useProviders();
  // The clouds whose machines are hosts Overcast logs in to with the cloud's own login.
  const kinds = list.filter((p) => p.machinesFromConfig).map((p) => p.kind);
  const hosts = useQuery({
    // Not under machineKeys.lists(): those hold the paged lists the live stream patches.
    queryKey: [...machineKeys.all, 'ssh-hosts', kinds],
    queryFn: async ({ signal }) => {
      const pages = await Promise.all(
        kinds.map((provider) => listMachines({ provider, sort: 'name' }, null, 500, signal)),
      );
      return { items: pages.flatMap((p) => p.items) };
    },
    enabled: kinds.length > 0,
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
