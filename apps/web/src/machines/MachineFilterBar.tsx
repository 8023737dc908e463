import type { MachineFilters } from '../api/machines';
import type { Cloud } from '../api/types';
import { CloudFilter } from '../clouds/CloudFilter';
import { useProviderMeta, useProviders } from '../providers/meta';
import { FilterBar, FilterSelect, useTypedFilter } from '../ui/filters';
import filterStyles from '../ui/filters.module.css';
import { type FilterChanges, hasFilters } from './filters';
import { MACHINE_STATES, stateLook } from './state';

/** Search and filters; every change goes to the URL at once (typed ones after a short pause). */
export function MachineFilterBar({
  filters,
  onChange,
  clouds,
}: {
  filters: MachineFilters;
  onChange: (changes: FilterChanges) => void;
  clouds: Cloud[];
}) {
  const providerMeta = useProviderMeta();
  const tag = useTypedFilter(filters.tag, (value) => onChange({ tag: value }));

  const { list } = useProviders();
  const providers = list.map((p) => p.kind).filter((kind) => clouds.some((c) => c.provider === kind));

  return (
    <FilterBar
      search={{
        label: 'Search machines',
        placeholder: 'Search name, ID or IP',
        value: filters.q,
        onCommit: (q) => onChange({ q }),
      }}
      filtered={hasFilters(filters)}
      onClear={() => onChange({ q: '', cloud: '', state: '', provider: '', tag: '', owner: '' })}
    >
      <CloudFilter clouds={clouds} value={filters.cloud} onChange={(cloud) => onChange({ cloud })} />
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
      <label className={filterStyles.tagFilter}>
        <span className="visually-hidden">Tag (key or key=value)</span>
        <input
          className={filterStyles.filterInput}
          placeholder="Tag: key or key=value"
          value={tag.value}
          onChange={(e) => tag.setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') tag.commitNow();
          }}
          maxLength={256}
          spellCheck={false}
        />
      </label>
    </FilterBar>
  );
}
