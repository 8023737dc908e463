import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { sshKeysQuery } from '../api/keys';
import { PublicKey } from '../keys/PublicKey';
import { SelectField } from '../ui/Field';
import layout from '../ui/layout.module.css';

/** What a provider form gives each of its choice inputs (a select of things Overcast knows). */
export interface PickerProps {
  label: string;
  aside?: string;
  error?: string;
  hint?: string;
  value: string;
  name: string;
  onChange: (value: string) => void;
}

/**
 * Which of the organization's keys the cloud logs in with (empty: the default key, unless a key
 * or password is pasted), and the public half to put on the hosts.
 */
export function OrgKeyPicker({ label, aside, error, value, name, onChange }: PickerProps) {
  const keys = useQuery(sshKeysQuery);
  const items = keys.data ?? [];
  const fallback = items.find((k) => k.isDefault);
  const chosen = items.find((k) => k.id === value) ?? (value ? undefined : fallback);
  if (keys.isSuccess && items.length === 0) {
    return (
      <p className={layout.note}>
        No Overcast key yet: <Link to="/keys">generate one on the Keys page</Link> and add its public half to
        the hosts, or paste a private key or password below.
      </p>
    );
  }
  return (
    <div className={layout.stackSmall}>
      <SelectField
        label={label}
        aside={aside}
        error={error}
        name={name}
        value={value}
        hint="Add its public key to ~/.ssh/authorized_keys of the SSH user on each host. A key or password pasted below is used instead."
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{fallback ? `Default key (${fallback.name})` : 'Default key'}</option>
        {items
          .filter((k) => !k.isDefault)
          .map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
      </SelectField>
      {chosen && <PublicKey sshKey={chosen} />}
    </div>
  );
}
