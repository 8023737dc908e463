import { useEffect, useState } from 'react';
import type { Cloud } from '../api/types';
import type { VolumeFilters } from '../api/volumes';
import { FilterSelect } from '../machines/MachineFilterBar';
import styles from '../machines/machines.module.css';
import { Button } from '../ui/Button';
import { CloseIcon, SearchIcon } from '../ui/icons';
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
  const [q, setQ] = useState(filters.q ?? '');
  // The URL wins when it changes from elsewhere (back button, a link).
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => {
    if (q.trim() === (filters.q ?? '')) return;
    const timer = setTimeout(() => onChange({ q: q.trim() }), 250);
    return () => clearTimeout(timer);
  }, [q, filters.q, onChange]);

  return (
    <search className={styles.filterBar}>
      <label className={styles.search}>
        <SearchIcon className={styles.searchIcon} />
        <span className="visually-hidden">Search volumes</span>
        <input
          type="search"
          className={styles.searchInput}
          placeholder="Search name or ID"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ q: q.trim() });
          }}
          maxLength={200}
          spellCheck={false}
        />
      </label>
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
