import type { UseQueryResult } from '@tanstack/react-query';
import type { Location } from '../api/types';
import { SelectField } from '../ui/Field';

/** The choice of a cloud's location (region, zone), from its catalog. */
export function LocationField({
  locations,
  value,
  onChange,
  error,
  prompt,
}: {
  locations: UseQueryResult<Location[]>;
  value: string;
  onChange: (location: string) => void;
  error?: string | undefined;
  /** The empty choice's words, e.g. "Choose a location". */
  prompt: string;
}) {
  return (
    <SelectField
      label="Location"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      disabled={!locations.data?.length}
    >
      <option value="">{locations.isPending ? 'Loading…' : prompt}</option>
      {(locations.data ?? []).map((l) => (
        <option key={l.externalId} value={l.externalId}>
          {l.name === l.externalId ? l.name : `${l.name} (${l.externalId})`}
        </option>
      ))}
    </SelectField>
  );
}
