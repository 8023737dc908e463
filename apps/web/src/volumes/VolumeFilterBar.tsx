import type { Cloud } from '../api/types';
import type { VolumeFilters } from '../api/volumes';
import { Button } from '../ui/Button';
import { FilterSelect, SearchField, useTypedFilter } from '../ui/filters';
import styles from '../ui/filters.module.css';
import { CloseIcon } from '../ui/icons';
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
  const q = useTypedFilter(filters.q, (value) => onChange({ q: value }));

  return (
    <search className={styles.filterBar}>
      <SearchField
        label="Search volumes"
        placeholder="Search name or ID"
        value={q.value}
        onChange={q.setValue}
        onEnter={q.commitNow}
        maxLength={200}
      />
      <FilterSelect
        label="Cloud"
        value={filters.cloud ?? ''}
        onChange={(cloud) => onChange({ cloud })}
        options={clouds.map((c) => ({ value: c.id, label: c.title }))}
        all="All clouds"
      />
      <FilterSelect
        label="State"
        value={filters.state ?? ''}
        onChange={(state) => onChange({ state })}
        options={VOLUME_STATES.map((s) => ({ value: s.state, label: s.label }))}
        all="Any state"
      />
      {(filters.q || filters.cloud || filters.state) && (
        <Button
          size="sm"
          variant="ghost"
          icon={<CloseIcon />}
          onClick={() => onChange({ q: '', cloud: '', state: '' })}
        >
          Clear
        </Button>
      )}
    </search>
  );
}
