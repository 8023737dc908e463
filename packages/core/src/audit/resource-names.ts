import type { Database } from '@overcast/db';

// The Activity page shows what an event was about by name, not by UUID. Names are looked up
// when the log is read (so a renamed machine shows its current name); a resource deleted
// since falls back to the name the event recorded, if any.

/** Where each kind of resource keeps its name; `$1` is the organization, `$2` the ids. */
const NAME_QUERIES: Record<string, string> = {
  machine: 'SELECT id::text AS id, name FROM machines WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  cloud:
    'SELECT id::text AS id, title AS name FROM clouds WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  volume: 'SELECT id::text AS id, name FROM volumes WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  network: 'SELECT id::text AS id, name FROM networks WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  firewall: 'SELECT id::text AS id, name FROM firewalls WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  ssh_key: 'SELECT id::text AS id, name FROM ssh_keys WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  script: 'SELECT id::text AS id, name FROM scripts WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  schedule: 'SELECT id::text AS id, name FROM schedules WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  rule: 'SELECT id::text AS id, name FROM rules WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  template: 'SELECT id::text AS id, name FROM templates WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  stack: 'SELECT id::text AS id, name FROM stacks WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  team: 'SELECT id::text AS id, name FROM teams WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  notification_channel:
    'SELECT id::text AS id, name FROM notification_channels WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  invitation:
    'SELECT id::text AS id, email AS name FROM invitations WHERE organization_id = $1 AND id = ANY($2::uuid[])',
  api_token:
    'SELECT id::text AS id, name FROM api_tokens WHERE (organization_id = $1 OR organization_id IS NULL) AND id = ANY($2::uuid[])',
  // Only people who still belong to the organization; others keep the label the event recorded.
  user: `SELECT u.id::text AS id, u.email AS name FROM users u
    JOIN memberships m ON m.user_id = u.id AND m.organization_id = $1 WHERE u.id = ANY($2::uuid[])`,
  organization: 'SELECT id::text AS id, name FROM organizations WHERE id = $1 AND id = ANY($2::uuid[])',
};

/** Refusals name the kind as policies do (machines, keys...); they are the same resources. */
const ALIASES: Record<string, string> = {
  machines: 'machine',
  clouds: 'cloud',
  volumes: 'volume',
  networks: 'network',
  keys: 'ssh_key',
  scripts: 'script',
  schedules: 'schedule',
  rules: 'rule',
  templates: 'template',
  stacks: 'stack',
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const canonicalKind = (kind: string): string => ALIASES[kind] ?? kind;

/** The name an event recorded when it was written (details.name, .email or .title). */
function recordedName(details: Record<string, unknown>): string | null {
  for (const key of ['name', 'email', 'title'] as const) {
    const v = details[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

interface Named {
  resourceKind: string | null;
  resourceId: string | null;
  details: Record<string, unknown>;
}

/** Each event's resource name (null when it has none), one query per kind present. */
export async function resourceNames(
  db: Database,
  organizationId: string,
  events: readonly Named[],
): Promise<(string | null)[]> {
  const wanted = new Map<string, Set<string>>();
  for (const e of events) {
    if (!e.resourceKind || !e.resourceId || !UUID_RE.test(e.resourceId)) continue;
    const kind = canonicalKind(e.resourceKind);
    if (!NAME_QUERIES[kind]) continue;
    const ids = wanted.get(kind) ?? new Set<string>();
    wanted.set(kind, ids.add(e.resourceId.toLowerCase()));
  }
  const found = new Map<string, string>();
  await Promise.all(
    [...wanted].map(async ([kind, ids]) => {
      const { rows } = await db.pool.query<{ id: string; name: string }>(NAME_QUERIES[kind]!, [
        organizationId,
        [...ids],
      ]);
      for (const r of rows) found.set(`${kind}:${r.id}`, r.name);
    }),
  );
  return events.map((e) => {
    const live =
      e.resourceKind && e.resourceId
        ? found.get(`${canonicalKind(e.resourceKind)}:${e.resourceId.toLowerCase()}`)
        : undefined;
    return live ?? (e.resourceKind ? recordedName(e.details) : null);
  });
}
