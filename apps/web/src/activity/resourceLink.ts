// Where the Activity page sends a person to see an event's resource. Refusals name the
// kind as policies do (machines, keys...); both spellings lead to the same page.
const PAGES: Record<string, (id: string) => string> = {
  machine: (id) => `/machines/${id}`,
  machines: (id) => `/machines/${id}`,
  cloud: () => '/clouds',
  clouds: () => '/clouds',
  volume: () => '/volumes',
  volumes: () => '/volumes',
  ssh_key: () => '/keys',
  keys: () => '/keys',
  script: () => '/scripts',
  scripts: () => '/scripts',
  schedule: () => '/schedules',
  schedules: () => '/schedules',
  rule: () => '/rules',
  rules: () => '/rules',
  team: () => '/team',
  user: () => '/team',
  invitation: () => '/team',
  api_token: () => '/account',
  session: () => '/account',
};

const KIND_WORDS: Record<string, string> = {
  ssh_key: 'key',
  keys: 'key',
  api_token: 'API token',
  notification_channel: 'channel',
};

/** The kind as a word for people: "machine", "key", "API token". */
export const kindWord = (kind: string): string =>
  KIND_WORDS[kind] ?? kind.replace(/s$/, '').replace('_', ' ');

/** The page showing the resource, or null when it has none. */
export function resourceLink(kind: string | null, id: string | null): string | null {
  if (!kind || !id) return null;
  return PAGES[kind]?.(id) ?? null;
}
