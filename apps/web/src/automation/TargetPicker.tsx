import { formatTagList, parseTagList } from '@overcast/contracts/tags';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import { listMachines } from '../api/machines';
import type { TargetSelector } from '../api/types';
import { TextField } from '../ui/TextField';
import styles from './automation.module.css';

export function describeTargets(t: TargetSelector): string {
  const parts = [];
  if (t.machineIds?.length)
    parts.push(`${t.machineIds.length} machine${t.machineIds.length === 1 ? '' : 's'}`);
  if (t.tags && Object.keys(t.tags).length) parts.push(`tagged ${formatTagList(t.tags)}`);
  if (t.cloudIds?.length) parts.push(`${t.cloudIds.length} cloud${t.cloudIds.length === 1 ? '' : 's'}`);
  return parts.join(' + ') || 'no machines';
}

/** Machines by id, by tags, or by cloud: a machine matching any of the three is a target. */
export function TargetPicker({
  value,
  onChange,
}: {
  value: TargetSelector;
  onChange: (t: TargetSelector) => void;
}) {
  const [search, setSearch] = useState('');
  const machines = useQuery({
    queryKey: ['machines', 'picker', search],
    queryFn: ({ signal }) => listMachines({ q: search || undefined, sort: 'name' }, null, 100, signal),
  });
  const clouds = useQuery(cloudsQuery);
  const [tagText, setTagText] = useState(formatTagList(value.tags));
  const ids = new Set(value.machineIds ?? []);
  const cloudIds = new Set(value.cloudIds ?? []);
  const toggle = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return [...next];
  };
  return (
    <div className={styles.form}>
      <fieldset className={styles.fieldset}>
        <legend>By name</legend>
        <TextField
          label="Find machines"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="name or IP"
        />
        <div className={styles.picker}>
          {machines.data?.items.map((m) => (
            <label key={m.id} className={styles.check}>
              <input
                type="checkbox"
                checked={ids.has(m.id)}
                onChange={() => onChange({ ...value, machineIds: toggle(ids, m.id) })}
              />
              {m.name}{' '}
              <span className={styles.muted}>
                {m.state} · {m.cloudTitle}
              </span>
            </label>
          ))}
          {machines.data?.items.length === 0 && <span className={styles.muted}>No machine matches.</span>}
        </div>
      </fieldset>
      <TextField
        label="By tags"
        aside="machines with all of them, now and when it runs"
        value={tagText}
        placeholder="env=dev, team"
        onChange={(e) => {
          setTagText(e.target.value);
          onChange({ ...value, tags: parseTagList(e.target.value) });
        }}
      />
      <fieldset className={styles.fieldset}>
        <legend>By cloud</legend>
        {clouds.data?.map((c) => (
          <label key={c.id} className={styles.check}>
            <input
              type="checkbox"
              checked={cloudIds.has(c.id)}
              onChange={() => onChange({ ...value, cloudIds: toggle(cloudIds, c.id) })}
            />
            {c.title}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
