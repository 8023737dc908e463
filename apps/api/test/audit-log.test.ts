import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { createOrgWithUser, login, seedMachine, startTestApi } from './support/harness';

let api: TestApi;
let owner: TestUser;
let cookie: string;

beforeAll(async () => {
  api = await startTestApi();
  owner = await createOrgWithUser(api.db);
  cookie = await login(api, owner);
});
afterAll(() => api?.close());

const get = (url: string) => api.app.inject({ url, headers: { cookie } });

/** Writes `count` events whose ids cross a power of ten, where text order and number order part. */
async function seedEvents(organizationId: string, count: number): Promise<string[]> {
  const { rows } = await api.db.pool.query<{ last: string }>(
    'SELECT last_value::text AS last FROM audit_events_id_seq',
  );
  const next = 10 ** String(BigInt(rows[0]!.last) + 100n).length;
  // Move the sequence to just below the next power of ten (never backwards).
  await api.db.pool.query('SELECT setval($1, $2)', ['audit_events_id_seq', next - 40]);
  const inserted = await api.db.pool.query<{ id: string }>(
    `INSERT INTO audit_events (organization_id, actor_label, action, details)
     SELECT $1::uuid, 'seed', 'seed.event', jsonb_build_object('n', n) FROM generate_series(1, $2::int) n
     RETURNING id::text AS id`,
    [organizationId, count],
  );
  return inserted.rows.map((r) => r.id).sort((a, b) => Number(BigInt(a) - BigInt(b)));
}

describe('audit log order and paging', () => {
  it('pages newest first by numeric id and exports every event once, oldest first', async () => {
    const org = await createOrgWithUser(api.db);
    const orgCookie = await login(api, org);
    const ids = await seedEvents(org.organizationId, 1150);
    const seeded = new Set(ids);

    const paged: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const url = `/api/v1/audit?action=seed.event&limit=500${before ? `&before=${before}` : ''}`;
      const res = await api.app.inject({ url, headers: { cookie: orgCookie } });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: { id: string }[]; nextBefore: string | null };
      paged.push(...page.items.map((e) => e.id));
      before = page.nextBefore;
      if (!before) break;
    }
    expect(paged).toEqual([...ids].reverse());

    const jsonl = await api.app.inject({
      url: '/api/v1/audit/export?format=jsonl&action=seed.event',
      headers: { cookie: orgCookie },
    });
    const exported = jsonl.body
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(exported).toEqual(ids);

    const csv = await api.app.inject({
      url: '/api/v1/audit/export?format=csv&action=seed.event',
      headers: { cookie: orgCookie },
    });
    const rows = csv.body.trim().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',')[0])).toEqual(ids);
    expect(rows.every((r) => seeded.has(r.split(',')[0]!))).toBe(true);
  });
});

describe('audit log resource names', () => {
  it('names the resource of each event: current name, or the recorded one once it is gone', async () => {
    const hex = randomBytes(3).toString('hex');
    const machine = { id: await seedMachine(api.db, owner.organizationId, { name: `web-${hex}` }) };
    const tagged = await api.app.inject({
      method: 'POST',
      url: `/api/v1/machines/${machine.id}/tags`,
      headers: { cookie },
      payload: { tags: { env: 'x' } },
    });
    expect(tagged.statusCode).toBe(204);
    await api.db.prisma.machine.update({ where: { id: machine.id }, data: { name: `renamed-${hex}` } });
    const team = await api.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { cookie },
      payload: { name: `ops-${hex}` },
    });
    const teamId = team.json().id as string;
    const removed = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/teams/${teamId}`,
      headers: { cookie },
    });
    expect(removed.statusCode).toBeLessThan(300);

    const items = (await get('/api/v1/audit?limit=50')).json().items as {
      action: string;
      resourceId: string | null;
      resourceName: string | null;
    }[];
    const tag = items.find((e) => e.action === 'machine.tag' && e.resourceId === machine.id);
    expect(tag?.resourceName).toBe(`renamed-${hex}`);
    const created = items.find((e) => e.action === 'team.create' && e.resourceId === teamId);
    expect(created?.resourceName).toBe(`ops-${hex}`);

    const csv = await get(`/api/v1/audit/export?format=csv&resource=${machine.id}`);
    const [header, row] = csv.body.trim().split('\r\n');
    expect(header).toContain('resourceName');
    expect(row).toContain(`renamed-${hex}`);
  });
});
