import type { SetExpirationRequest } from '../api/types';
import { SelectField } from '../ui/Field';
import { DateTimeField, NumberField } from '../ui/ValueFields';
import styles from './automation.module.css';

export interface ExpirationDraft {
  /** datetime-local value (local time); empty: no expiration. */
  at: string;
  action: 'stop' | 'destroy';
  /** Minutes before; empty: no notice. */
  notifyMinutes: string;
}

export function expirationRequest(d: ExpirationDraft): SetExpirationRequest | null {
  if (!d.at) return null;
  return {
    expiresAt: new Date(d.at).toISOString(),
    action: d.action,
    notifyMinutesBefore: d.notifyMinutes ? Number(d.notifyMinutes) : null,
  };
}

/** Date, action and notice: shared by the machine page and the create wizard. */
export function ExpirationFields({
  value,
  onChange,
  required = false,
}: {
  value: ExpirationDraft;
  onChange: (d: ExpirationDraft) => void;
  required?: boolean;
}) {
  return (
    <div className={styles.row}>
      <DateTimeField
        label="Expires at"
        aside={required ? undefined : 'optional'}
        value={value.at}
        required={required}
        onChange={(at) => onChange({ ...value, at })}
      />
      <SelectField
        label="Then"
        value={value.action}
        onChange={(e) => onChange({ ...value, action: e.target.value as ExpirationDraft['action'] })}
      >
        <option value="stop">Stop it</option>
        <option value="destroy">Destroy it</option>
      </SelectField>
      <NumberField
        label="Notice before (minutes)"
        aside="optional"
        min={1}
        value={value.notifyMinutes}
        onChange={(notifyMinutes) => onChange({ ...value, notifyMinutes })}
      />
    </div>
  );
}
