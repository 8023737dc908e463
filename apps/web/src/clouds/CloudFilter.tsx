import type { Cloud } from '../api/types';
import { FilterSelect } from '../ui/filters';

/** The filter bar's choice of one cloud, by title, for lists that span every cloud. */
export function CloudFilter({
  clouds,
  value,
  onChange,
}: {
  clouds: Cloud[];
  value: string | undefined;
  onChange: (cloud: string) => void;
}) {
  return (
    <FilterSelect
      label="Cloud"
      value={value ?? ''}
      onChange={onChange}
      options={clouds.map((c) => ({ value: c.id, label: c.title }))}
      all="All clouds"
    />
  );
}
