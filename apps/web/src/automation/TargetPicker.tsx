import { formatTagList, parseTagList } from '@overcast/contracts/tags';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import type { TargetSelector } from '../api/types';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import styles from './automation.module.css';
import { MachineChecklist } from './MachineChecklist';

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
  const clouds = useQuery(cloudsQuery);
  const [tagText, setTagText] = useState(formatTagList(value.tags));
  const cloudIds = new Set(value.cloudIds ?? []);
  const toggle = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return [...next];
  };
  return (
    <div className={layout.stack}>
      <fieldset className={styles.fieldset}>
        <legend>By name</legend>
        <MachineChecklist
          selected={value.machineIds ?? []}
          onChange={(machineIds) => onChange({ ...value, machineIds })}
        />
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
