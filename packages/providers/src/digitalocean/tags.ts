// DigitalOcean tags are single strings (letters, digits, colons, dashes, underscores); Overcast
// tags are key=value. A valued tag travels as "key:value" and reads back as key=value, so a tag
// Overcast writes comes home identical, and a droplet tagged "env:qa" in DigitalOcean's own
// console matches a schedule or filter on env=qa. A tag without a colon is a key with no value.

/** Overcast tags -> DigitalOcean tag names. */
export function toDigitalOceanTags(tags: Record<string, string> | undefined): string[] {
  return Object.entries(tags ?? {}).map(([k, v]) => (v === '' ? k : `${k}:${v}`));
}

/** DigitalOcean tag names -> Overcast tags, split at the first colon. */
export function fromDigitalOceanTags(names: string[] | null | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const name of names ?? []) {
    const colon = name.indexOf(':');
    if (colon > 0) tags[name.slice(0, colon)] = name.slice(colon + 1);
    else tags[name] = '';
  }
  return tags;
}
