import { randomBytes } from 'node:crypto';
import { createApiToken } from '@overcast/core/auth';
import type { Role } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { addMember, createOrgWithUser, login, startTestApi, uniqueIp } from './support/harness';

// Walks every operation of the OpenAPI document (so routes added later are covered without edits)
// with real ids of a victim organization, as:
//  - the owner of another organization: everything naming a victim id is 404, lists show none of them;
//  - a viewer of the victim organization: every change is 403;
//  - a member whose team may only use cloud A: everything about cloud B's resources is 404;
//  - a member whose team denies everything on machines tagged env=prod: every route naming the
//    tagged machine is 404 and no list or export shows it.
// Afterwards the victim organization's rows are exactly as before (row counts and a checksum).
// A route whose path names a resource this file cannot find a victim row for fails loudly:
// seed one in `seedVictim` below.

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  items?: JsonSchema;
  default?: unknown;
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  body?: JsonSchema;
  query: { name: string; required: boolean; schema: JsonSchema }[];
}

interface Caller {
  label: string;
  cookie: string;
}

let api: TestApi;
let doc: {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
};
let operations: Operation[];
let victim: TestUser;
const ids: Record<string, string> = {};
/** Every id of the victim organization, to look for in other callers' answers. */
const victimIds: string[] = [];
let attacker: Caller;
let viewer: Caller;
let restricted: Caller;
let tagLimited: Caller;

const hex = (n = 4) => randomBytes(n).toString('hex');

async function insert(table: string, values: Record<string, unknown>): Promise<string> {
  const cols = Object.keys(values);
  const { rows } = await api.db.pool.query<{ id: string }>(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(values),
  );
  victimIds.push(rows[0]!.id);
  return rows[0]!.id;
}

const addUser = (organizationId: string, role: Role) => addMember(api, organizationId, role);

/** One row of every kind of resource in the victim organization; cloud B's are the ones routes are called with. */
async function seedVictim(): Promise<void> {
  const org = victim.organizationId;
  const cloud = (title: string) =>
    insert('clouds', {
      organization_id: org,
      provider: 'ssh_host',
      title,
      credentials: Buffer.from('sealed'),
    });
  ids.cloudA = await cloud(`a-${hex()}`);
  ids.clouds = await cloud(`b-${hex()}`);
  const machine = (cloudId: string, name: string) =>
    insert('machines', {
      organization_id: org,
      cloud_id: cloudId,
      external_id: `ext-${hex()}`,
      name,
      state: 'running',
      public_ips: ['192.0.2.10'],
    });
  ids.machineA = await machine(ids.cloudA, 'alpha');
  ids.machines = await machine(ids.clouds, 'bravo');
  await api.db.pool.query(
    `INSERT INTO tags (organization_id, resource_kind, resource_id, key, value) VALUES ($1, 'machine', $2, 'env', 'prod')`,
    [org, ids.machines],
  );
  ids.volumes = await insert('volumes', {
    organization_id: org,
    cloud_id: ids.clouds,
    external_id: `vol-${hex()}`,
    name: 'data',
    size_gb: 10,
  });
  ids.networks = await insert('networks', {
    organization_id: org,
    cloud_id: ids.clouds,
    external_id: 'vpc-victim',
    name: 'victim-net',
    cidr: '10.9.0.0/16',
  });
  ids.subnets = await insert('subnets', {
    organization_id: org,
    cloud_id: ids.clouds,
    external_id: 'subnet-victim',
    network_external_id: 'vpc-victim',
    name: 'victim-subnet',
    cidr: '10.9.1.0/24',
  });
  ids.firewalls = await insert('firewalls', {
    organization_id: org,
    cloud_id: ids.clouds,
    external_id: 'sg-victim',
    name: 'victim-sg',
  });
  ids.ssh_keys = await insert('ssh_keys', {
    organization_id: org,
    name: `key-${hex()}`,
    public_key: 'ssh-ed25519 AAAA test',
    private_key: Buffer.from('sealed'),
    fingerprint: `SHA256:${hex(8)}`,
    algorithm: 'ed25519',
  });
  ids.shell_sessions = await insert('shell_sessions', {
    organization_id: org,
    machine_id: ids.machines,
    user_id: victim.userId,
  });
  ids.teams = await insert('teams', { organization_id: org, name: `ops-${hex()}` });
  ids.invitations = await insert('invitations', {
    organization_id: org,
    email: `invitee-${hex()}@example.com`,
    role: 'member',
    token_hash: hex(32),
    expires_at: new Date(Date.now() + 86_400_000),
  });
  ids.scripts = await insert('scripts', { organization_id: org, name: `script-${hex()}` });
  ids.script_runs = await insert('script_runs', { organization_id: org, script_id: ids.scripts, version: 1 });
  ids.templates = await insert('templates', { organization_id: org, name: `template-${hex()}` });
  await api.db.pool.query(
    `INSERT INTO template_versions (template_id, version, source) VALUES ($1, 1, 'x')`,
    [ids.templates],
  );
  ids.stacks = await insert('stacks', {
    organization_id: org,
    name: `stack-${hex()}`,
    template_id: ids.templates,
    template_version: 1,
    document: {},
  });
  ids.catalog_items = await insert('catalog_items', {
    organization_id: org,
    template_id: ids.templates,
    template_version: 1,
    name: `item-${hex()}`,
  });
  ids.deploy_requests = await insert('deploy_requests', {
    organization_id: org,
    template_id: ids.templates,
    template_version: 1,
    stack_name: `stack-${hex()}`,
    requested_by_id: victim.userId,
  });
  ids.schedules = await insert('schedules', {
    organization_id: org,
    name: `nightly-${hex()}`,
    trigger_kind: 'cron',
    cron: '0 3 * * *',
    action: 'stop',
  });
  ids.rules = await insert('rules', { organization_id: org, name: `cpu-${hex()}`, condition: '{}' });
  ids.incidents = await insert('incidents', { organization_id: org, rule_id: ids.rules });
  ids.notification_channels = await insert('notification_channels', {
    organization_id: org,
    kind: 'webhook',
    name: `hook-${hex()}`,
  });
  const token = await createApiToken(api.db, {
    organizationId: org,
    userId: victim.userId,
    name: 'ci',
    scope: 'full',
  });
  ids.api_tokens = token.id;
  victimIds.push(token.id);
  const session = await api.db.prisma.session.findFirstOrThrow({ where: { userId: victim.userId } });
  ids.sessions = session.id;
  victimIds.push(session.id, victim.userId, org);
}

/** Path segment -> table, where the names differ. Unlisted segments are tried as table names. */
const SEGMENT_TABLES: Record<string, string> = {
  'ssh-keys': 'ssh_keys',
  'shell-sessions': 'shell_sessions',
  tokens: 'api_tokens',
  channels: 'notification_channels',
  'notification-channels': 'notification_channels',
  runs: 'script_runs',
  catalog: 'catalog_items',
};

/** The victim's id for a path parameter, from the segment before it (`/machines/{id}` -> machines). */
function idFor(path: string, param: string): string {
  if (param === 'key') return 'env';
  if (param === 'userId') return victim.userId;
  if (param === 'step') return 'build';
  // A snapshot is the provider's, not a row: the victim's machine in the path is what must stay hidden.
  if (param === 'sid') return '1';
  // DNS zones and records are read live from the provider too: the victim's cloud must stay hidden.
  if (param === 'zoneId' || param === 'recordId') return 'example.com';
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const segment = segments[at - 1] ?? '';
  const table = SEGMENT_TABLES[segment] ?? segment.replaceAll('-', '_');
  const id = ids[table];
  if (!id) {
    throw new Error(`No victim row for {${param}} in ${path} (table "${table}"): seed one in seedVictim().`);
  }
  return id;
}

function resolve(schema: JsonSchema): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return doc.components?.schemas?.[name] ?? {};
  }
  return schema;
}

const STRING_CANDIDATES = ['sample', 'sample-1', 'a', '1', 'x@example.com', 'confirm'];

/** A value the schema accepts: the first option of unions and enums, minimum sizes, required fields only. */
function sample(raw: JsonSchema, key = ''): unknown {
  const schema = resolve(raw);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return sample(options.find((o) => resolve(o).type !== 'null') ?? options[0]!, key);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sample(schema.properties?.[name] ?? {}, name);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}, key));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string': {
      if (schema.format === 'uuid') return bodyId(key);
      if (schema.format === 'date-time') return new Date(Date.now() + 3_600_000).toISOString();
      if (schema.format === 'email') return 'x@example.com';
      const re = schema.pattern ? new RegExp(schema.pattern) : null;
      const fit = STRING_CANDIDATES.find((c) => (!re || re.test(c)) && c.length >= (schema.minLength ?? 0));
      return fit ?? 'x'.repeat(schema.minLength ?? 1);
    }
    default:
      return {};
  }
}

/** Ids inside bodies point at the victim's resources too. */
function bodyId(key: string): string {
  const k = key.toLowerCase();
  if (k.includes('machine')) return ids.machines!;
  if (k.includes('cloud')) return ids.clouds!;
  if (k.includes('key')) return ids.ssh_keys!;
  if (k.includes('script')) return ids.scripts!;
  if (k.includes('template')) return ids.templates!;
  if (k.includes('rule')) return ids.rules!;
  if (k.includes('user')) return victim.userId;
  if (k.includes('organization')) return victim.organizationId;
  return ids.machines!;
}

function requestFor(op: Operation) {
  const url = op.path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(idFor(op.path, p)));
  const query = new URLSearchParams();
  for (const q of op.query) if (q.required) query.set(q.name, String(sample(q.schema, q.name)));
  const qs = query.toString();
  return { url: qs ? `${url}?${qs}` : url, payload: op.body ? sample(op.body) : undefined };
}

/** The operations that did not answer `caller` with 404, each with what it answered instead. */
async function notFoundFails(caller: Caller, ops: Operation[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const op of ops) {
    const res = await call(caller, op);
    if (res.statusCode !== 404)
      wrong.push(`${op.method} ${op.path} -> ${res.statusCode} ${res.body.slice(0, 160)}`);
  }
  return wrong;
}

async function call(caller: Caller | null, op: Operation) {
  const { url, payload } = requestFor(op);
  return api.app.inject({
    method: op.method as 'GET',
    url,
    headers: caller ? { cookie: caller.cookie } : {},
    remoteAddress: uniqueIp(),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const hasPathId = (op: Operation) => op.path.includes('{');
const isRead = (op: Operation) => op.method === 'GET' || op.method === 'HEAD';
/** The caller's own account: name, password, switching, creating an organization, tokens, sessions, two-factor. */
const isSelfService = (op: Operation) =>
  op.path.startsWith('/api/v1/me/') ||
  ['/api/v1/me', '/api/v1/auth/switch', '/api/v1/organizations'].includes(op.path);

/** The victim organization's rows, every table with organization_id, with columns that reads touch left out. */
async function snapshot(): Promise<{ counts: Record<string, number>; checksum: string }> {
  const { rows: tables } = await api.db.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'organization_id' AND table_name <> 'audit_events'
     ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const { rows } = await api.db.pool.query<{ n: number; sum: string | null }>(
      `SELECT count(*)::int AS n,
              md5(string_agg((to_jsonb(t) - 'last_seen_at' - 'last_used_at' - 'last_used_ip')::text, '|' ORDER BY to_jsonb(t)::text)) AS sum
       FROM "${table_name}" t WHERE organization_id = $1`,
      [victim.organizationId],
    );
    counts[table_name] = rows[0]!.n;
    parts.push(`${table_name}:${rows[0]!.sum ?? ''}`);
  }
  const users = await api.db.pool.query<{ sum: string }>(
    `SELECT md5(string_agg((to_jsonb(u) - 'last_login_at')::text, '|' ORDER BY u.id)) AS sum
     FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.organization_id = $1`,
    [victim.organizationId],
  );
  parts.push(`users:${users.rows[0]!.sum}`);
  return { counts, checksum: parts.join('\n') };
}

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' });
  victim = await createOrgWithUser(api.db);
  await login(api, victim);
  await seedVictim();
  const other = await createOrgWithUser(api.db);
  attacker = { label: 'owner of another organization', cookie: await login(api, other) };
  viewer = { label: 'viewer', cookie: (await addUser(victim.organizationId, 'viewer')).cookie };
  const member = await addUser(victim.organizationId, 'member');
  restricted = { label: 'member limited to cloud A', cookie: member.cookie };
  await api.db.pool.query(
    `WITH t AS (INSERT INTO teams (organization_id, name) VALUES ($1, $2) RETURNING id),
          m AS (INSERT INTO team_members (team_id, user_id, organization_id) SELECT id, $3, $1 FROM t)
     INSERT INTO team_policies (organization_id, team_id, effect, action, resource_kind, cloud_ids)
     SELECT $1, id, 'allow', '*', k, ARRAY[$4]::text[] FROM t, unnest(ARRAY['clouds', 'machines', 'volumes']) k`,
    [victim.organizationId, `red-${hex()}`, member.userId, ids.cloudA],
  );

  const tagMember = await addUser(victim.organizationId, 'member');
  tagLimited = { label: 'member denied machines tagged env=prod', cookie: tagMember.cookie };
  await api.db.pool.query(
    `WITH t AS (INSERT INTO teams (organization_id, name) VALUES ($1, $2) RETURNING id),
          m AS (INSERT INTO team_members (team_id, user_id, organization_id) SELECT id, $3, $1 FROM t),
          a AS (INSERT INTO team_policies (organization_id, team_id, effect, action, resource_kind)
                SELECT $1, id, 'allow', '*', '*' FROM t)
     INSERT INTO team_policies (organization_id, team_id, effect, action, resource_kind, tags)
     SELECT $1, id, 'deny', '*', 'machines', '{"env": "prod"}'::jsonb FROM t`,
    [victim.organizationId, `prod-${hex()}`, tagMember.userId],
  );

  doc = (await api.app.inject({ url: '/api/openapi.json' })).json();
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Record<string, unknown>>).map(([method, raw]) => {
      const op = raw as {
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
      };
      return {
        method: method.toUpperCase(),
        path,
        body: op.requestBody?.content['application/json']?.schema,
        query: (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: Boolean(p.required), schema: p.schema })),
      };
    }),
  );
  // Routes that need no login (health, login, invitation links) are not about anyone's data.
  const guarded: Operation[] = [];
  for (const op of operations) {
    if (!op.path.startsWith('/api/v1/')) continue;
    const res = await call(null, op);
    if (res.statusCode === 401 && res.json().error.code === 'unauthenticated') guarded.push(op);
  }
  operations = guarded;
});
afterAll(() => api?.close());

describe('isolation: every route, with real ids of another organization', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  it('walks a good share of the API', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter(hasPathId).length).toBeGreaterThan(20);
  });

  it("the owner of another organization gets 404 for every one of the victim's ids", async () => {
    expect(await notFoundFails(attacker, operations.filter(hasPathId))).toEqual([]);
  });

  it("lists and exports show the other organization none of the victim's ids", async () => {
    const leaks: string[] = [];
    for (const op of operations.filter((o) => isRead(o) && !hasPathId(o))) {
      const res = await call(attacker, op);
      // WebSocket endpoints (the event stream) answer a plain GET with 426; they scope by organization themselves.
      if (res.statusCode === 426) continue;
      expect(res.statusCode, `${op.method} ${op.path}: ${res.body.slice(0, 200)}`).toBe(200);
      for (const id of victimIds) if (res.body.includes(id)) leaks.push(`${op.path} shows ${id}`);
    }
    expect(leaks).toEqual([]);
  });

  it('a viewer is refused (403) every change', async () => {
    const wrong: string[] = [];
    // Their own tokens, sessions and organizations are theirs to manage (and not called here, so
    // "log out everywhere" does not log the viewer out); the victim owner's are not even there.
    for (const op of operations.filter((o) => !isRead(o) && !(isSelfService(o) && !hasPathId(o)))) {
      const res = await call(viewer, op);
      const expected = isSelfService(op) ? 404 : 403;
      if (res.statusCode !== expected)
        wrong.push(
          `${op.method} ${op.path} -> ${res.statusCode} (want ${expected}) ${res.body.slice(0, 160)}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('a member whose team may only use cloud A gets 404 for everything of cloud B', async () => {
    const aboutCloudB = (op: Operation) => /^\/api\/v1\/(clouds|machines|volumes)\/\{id\}/.test(op.path);
    const ops = operations.filter(aboutCloudB);
    expect(ops.length).toBeGreaterThan(10);
    expect(await notFoundFails(restricted, ops)).toEqual([]);
  });

  it('a member denied machines tagged env=prod gets 404 for every route naming one, and no list shows it', async () => {
    const ops = operations.filter((op) => /^\/api\/v1\/machines\/\{id\}/.test(op.path));
    expect(ops.length).toBeGreaterThan(8);
    const wrong = await notFoundFails(tagLimited, ops);
    for (const op of operations.filter((o) => isRead(o) && !hasPathId(o))) {
      const res = await call(tagLimited, op);
      if (res.statusCode === 426) continue;
      if (res.body.includes(ids.machines!)) wrong.push(`${op.method} ${op.path} shows the denied machine`);
    }
    // The untagged machine stays readable: the deny is about the tag, not about machines.
    const alpha = await api.app.inject({
      url: `/api/v1/machines/${ids.machineA}`,
      headers: { cookie: tagLimited.cookie },
    });
    expect(alpha.statusCode).toBe(200);
    expect(wrong).toEqual([]);
  });

  it("the victim organization's rows are unchanged", async () => {
    const after = await snapshot();
    expect(after.counts).toEqual(before.counts);
    expect(after.checksum).toEqual(before.checksum);
  });
});
