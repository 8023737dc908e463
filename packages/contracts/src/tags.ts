// One tag syntax everywhere (filters, tag boxes, schedules, policies, lists): `key=value`, or a
// bare `key`. Keys may hold colons (AWS's own `aws:cloudformation:stack-name`), so `=` is the
// only separator; drivers map it to and from each provider's own form. No schema runtime, so the
// web app imports it without bundling TypeBox.

export interface Tag {
  key: string;
  value: string;
}

/** "env=prod" -> { key: 'env', value: 'prod' }; "env" -> { key: 'env', value: '' }. Spaces around either part go. */
export function parseTag(text: string): Tag {
  const eq = text.indexOf('=');
  return eq === -1
    ? { key: text.trim(), value: '' }
    : { key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

export const formatTag = (key: string, value: string): string => (value ? `${key}=${value}` : key);

/** "env=dev, team" -> { env: 'dev', team: '' }; commas or new lines separate tags. */
export function parseTagList(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    if (!part.trim()) continue;
    const { key, value } = parseTag(part);
    tags[key] = value;
  }
  return tags;
}

export const formatTagList = (tags: Record<string, string> = {}): string =>
  Object.entries(tags)
    .map(([k, v]) => formatTag(k, v))
    .join(', ');
