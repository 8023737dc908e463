import { useRef } from 'react';
import type { CloudProvider } from '../api/types';
import { Button } from '../ui/Button';
import { TextAreaField } from '../ui/Field';
import { TextField } from '../ui/TextField';
import styles from './clouds.module.css';
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
    <div className={styles.fields}>
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
  if (field.kind === 'textarea') {
    return (
      <div className={styles.fileField}>
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
