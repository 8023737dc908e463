import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import type { TargetSelector } from '../api/types';
import { TextField } from '../ui/TextField';
import styles from './automation.module.css';
import { MachineChecklist } from './MachineChecklist';

/** "env=dev, team" -> { env: 'dev', team: '' } (an empty value matches any value of the key). */
export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    tags[eq === -1 ? item : item.slice(0, eq).trim()] = eq === -1 ? '' : item.slice(eq + 1).trim();
  }
  return tags;
}

export const formatTags = (tags: Record<string, string> = {}) =>
  Object.entries(tags)
    .map(([k, v]) => (v ? `${k}=${v}` : k))
    .join(', ');

export function describeTargets(t: TargetSelector): string {
  const parts = [];
  if (t.machineIds?.length)
    parts.push(`${t.machineIds.length} machine${t.machineIds.length === 1 ? '' : 's'}`);
  if (t.tags && Object.keys(t.tags).length) parts.push(`tagged ${formatTags(t.tags)}`);
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
  const [tagText, setTagText] = useState(formatTags(value.tags));
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
          onChange({ ...value, tags: parseTags(e.target.value) });
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
