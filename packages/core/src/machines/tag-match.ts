/**
 * SQL that holds when machine `m` carries tag key (=value): an Overcast tag, or a provider tag.
 * An empty value matches any value of the key. `p` binds a parameter and returns its placeholder.
 */
export function machineTagCondition(key: string, value: string, p: (v: unknown) => string): string {
  const k = p(key);
  if (value === '')
    return `(m.provider_tags ? ${k} OR EXISTS (SELECT 1 FROM tags t WHERE t.resource_kind = 'machine' AND t.resource_id = m.id AND t.key = ${k}))`;
  const v = p(value);
  return `(m.provider_tags ->> ${k} = ${v} OR EXISTS (SELECT 1 FROM tags t WHERE t.resource_kind = 'machine' AND t.resource_id = m.id AND t.key = ${k} AND t.value = ${v}))`;
}
