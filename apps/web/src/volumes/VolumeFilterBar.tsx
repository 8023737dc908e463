import type { Cloud } from '../api/types';
import type { VolumeFilters } from '../api/volumes';
import { CloudFilter } from '../clouds/CloudFilter';
import { FilterBar, FilterSelect } from '../ui/filters';
import { VOLUME_STATES } from './state';

/** Search and filters for the volume list; changes go to the URL (search after a short pause). */
export function VolumeFilterBar({
  filters,
  onChange,
  clouds,
}: {
  filters: VolumeFilters;
  onChange: (changes: Partial<VolumeFilters>) => void;
  clouds: Cloud[];
}) {
  return (
    <FilterBar
      search={{
        label: 'Search volumes',
        placeholder: 'Search name or ID',
        value: filters.q,
        onCommit: (q) => onChange({ q }),
      }}
      filtered={Boolean(filters.q || filters.cloud || filters.state)}
      onClear={() => onChange({ q: '', cloud: '', state: '' })}
    >
      <CloudFilter clouds={clouds} value={filters.cloud} onChange={(cloud) => onChange({ cloud })} />
      <FilterSelect
        label="State"
        value={filters.state ?? ''}
        onChange={(state) => onChange({ state })}
        options={VOLUME_STATES.map((s) => ({ value: s.state, label: s.label }))}
        all="Any state"
      />
    </FilterBar>
  );
}
