import { useEffect, useState } from 'react';
import type { MachineFilters } from '../api/machines';
import type { Cloud } from '../api/types';
import { PROVIDER_ORDER, providerMeta } from '../providers/meta';
import { Button } from '../ui/Button';
import { CloseIcon, SearchIcon } from '../ui/icons';
import { hasFilters } from './filters';
import styles from './machines.module.css';
import { MACHINE_STATES, stateLook } from './state';

/** Search and filters; every change goes to the URL at once (typed ones after a short pause). */
export function MachineFilterBar({
  filters,
  onChange,
  clouds,
}: {
  filters: MachineFilters;
  onChange: (changes: Partial<MachineFilters>) => void;
  clouds: Cloud[];
}) {
  const [q, setQ] = useState(filters.q ?? '');
  const [tag, setTag] = useState(filters.tag ?? '');

  // The URL wins when it changes from elsewhere (back button, a link).
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => setTag(filters.tag ?? ''), [filters.tag]);

  useEffect(() => {
    if (q.trim() === (filters.q ?? '')) return;
    const timer = setTimeout(() => onChange({ q: q.trim() }), 250);
    return () => clearTimeout(timer);
  }, [q, filters.q, onChange]);
  useEffect(() => {
    if (tag.trim() === (filters.tag ?? '')) return;
    const timer = setTimeout(() => onChange({ tag: tag.trim() }), 250);
    return () => clearTimeout(timer);
  }, [tag, filters.tag, onChange]);

  const providers = PROVIDER_ORDER.filter((p) => clouds.some((c) => c.provider === p));

  return (
    <search className={styles.filterBar}>
      <label className={styles.search}>
        <SearchIcon className={styles.searchIcon} />
        <span className="visually-hidden">Search machines</span>
        <input
          type="search"
          className={styles.searchInput}
          placeholder="Search name, ID or IP"
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
        options={MACHINE_STATES.map((s) => ({ value: s, label: stateLook(s).label }))}
        all="Any state"
      />
      <FilterSelect
        label="Provider"
        value={filters.provider ?? ''}
        onChange={(provider) => onChange({ provider })}
        options={providers.map((p) => ({ value: p, label: providerMeta(p).label }))}
        all="Any provider"
      />
      <FilterSelect
        label="Owner"
        value={filters.owner ?? ''}
        onChange={(owner) => onChange({ owner })}
        options={[{ value: 'me', label: 'Owned by me' }]}
        all="Anyone's"
      />
      <label className={styles.tagFilter}>
        <span className="visually-hidden">Tag (key or key=value)</span>
        <input
          className={styles.filterInput}
          placeholder="Tag: key or key=value"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ tag: tag.trim() });
          }}
          maxLength={256}
          spellCheck={false}
        />
      </label>
      {hasFilters(filters) && (
        <Button
          size="sm"
          variant="ghost"
          icon={<CloseIcon />}
          onClick={() => onChange({ q: '', cloud: '', state: '', provider: '', tag: '', owner: '' })}
        >
          Clear
        </Button>
      )}
    </search>
  );
}

export function FilterSelect({
  label,
  value,
  onChange,
  options,
  all,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  all: string;
}) {
  return (
    <label className={styles.filterSelectLabel}>
      <span className="visually-hidden">{label}</span>
      <select
        className={`${styles.filterSelect} ${value ? styles.filterActive : ''}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
