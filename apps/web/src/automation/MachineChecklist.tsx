import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listMachines } from '../api/machines';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import styles from './automation.module.css';

/**
 * Machines found by name or address, each with a checkbox; `selected` holds the ticked ids.
 * `cloudId` keeps the choice to one cloud's machines.
 */
export function MachineChecklist({
  selected,
  onChange,
  label = 'Find machines',
  cloudId,
}: {
  selected: string[];
  onChange: (machineIds: string[]) => void;
  label?: string;
  cloudId?: string;
}) {
  const [search, setSearch] = useState('');
  const machines = useQuery({
    queryKey: ['machines', 'picker', cloudId ?? null, search],
    queryFn: ({ signal }) =>
      listMachines({ cloud: cloudId, q: search || undefined, sort: 'name' }, null, 100, signal),
  });
  const ids = new Set(selected);
  const toggle = (id: string) => {
    const next = new Set(ids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange([...next]);
  };
  return (
    <>
      <TextField
        label={label}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        placeholder="name or IP"
        aside={selected.length ? `${selected.length} chosen` : undefined}
      />
      <div className={styles.picker}>
        {machines.data?.items.map((m) => (
          <label key={m.id} className={styles.check}>
            <input type="checkbox" checked={ids.has(m.id)} onChange={() => toggle(m.id)} />
            {m.name}{' '}
            <span className={layout.muted}>
              {m.state} · {m.cloudTitle}
            </span>
          </label>
        ))}
        {machines.data?.items.length === 0 && <span className={layout.muted}>No machine matches.</span>}
      </div>
    </>
  );
}
