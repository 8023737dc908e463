import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import {
  createOrgWithUser,
  login,
  memberCookie,
  seedCloud,
  seedMachine,
  send,
  startOrgApi,
  startTestApi,
} from './support/harness';

// The automation API without a worker: validation, versions, organization scoping, roles.
// Schedules made here go to a Redis database no worker of the run listens on.

let api: TestApi;
let owner: TestUser;
let cookie: string;
let viewerCookie: string;
let cloudId: string;
let machineId: string;

const addUser = (organizationId: string, role: Role) => memberCookie(api, organizationId, role);

const call = async (method: string, url: string, payload?: unknown, as = cookie) => {
  const res = await send(api, as, method, url, payload);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};

beforeAll(async () => {
  ({
    api,
    owner,
    ownerCookie: cookie,
  } = await startOrgApi({
    REDIS_URL: process.env.REDIS_URL!.replace(/\/\d*$/, '/11'),
  }));
  viewerCookie = await addUser(owner.organizationId, 'viewer');
  cloudId = (await seedCloud(api.db, owner.organizationId, { enabled: false })).id;
  machineId = await seedMachine(api.db, owner.organizationId, { cloudId, name: 'box' });
});
afterAll(() => api.close());

describe('scripts api', () => {
  it('stores scripts with versions; only a new body, kind or parameters make a new version', async () => {
    const created = await call('POST', '/api/v1/scripts', {
      name: 'deploy',
      body: 'echo $TAG',
      parameters: [{ name: 'TAG', default: 'latest' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, kind: 'shell', body: 'echo $TAG' });
    const renamed = await call('PATCH', `/api/v1/scripts/${created.body.id}`, { description: 'ships it' });
    expect(renamed.body.version).toBe(1);
    const edited = await call('PATCH', `/api/v1/scripts/${created.body.id}`, { body: 'echo "$TAG"' });
    expect(edited.body.version).toBe(2);
    const dup = await call('POST', '/api/v1/scripts', { name: 'deploy', body: 'true' });
    expect(dup.status).toBe(409);
    const list = await call('GET', '/api/v1/scripts');
    expect(list.body.items.map((s: { name: string }) => s.name)).toContain('deploy');
  });

  it('refuses bad scripts and parameters with a 400 that says why', async () => {
    const cases = [
      { name: 'a', body: '' },
      { name: 'a', body: 'x', kind: 'executable' },
      { name: 'a', body: 'x', parameters: [{ name: 'BAD NAME' }] },
      { name: 'a', body: 'x', parameters: [{ name: 'A' }, { name: 'A' }] },
      { name: 'a', body: 'x\u0000y' },
      { name: 'a', body: 'x', extra: 1 },
      { name: 'a', body: 'x'.repeat(300_000) },
    ];
    for (const body of cases) {
      const res = await call('POST', '/api/v1/scripts', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.message.length).toBeGreaterThan(5);
    }
    expect(
      await api.db.prisma.script.count({ where: { organizationId: owner.organizationId, name: 'a' } }),
    ).toBe(0);
  });

  it('viewers read but cannot write or run; other organizations see a 404', async () => {
    const script = await call('POST', '/api/v1/scripts', {
      name: `v-${randomBytes(3).toString('hex')}`,
      body: 'true',
    });
    expect((await call('GET', `/api/v1/scripts/${script.body.id}`, undefined, viewerCookie)).status).toBe(
      200,
    );
    expect((await call('POST', '/api/v1/scripts', { name: 'x', body: 'true' }, viewerCookie)).status).toBe(
      403,
    );
    const runOnOurMachine = (scriptId: string, cookie: string) =>
      call('POST', `/api/v1/scripts/${scriptId}/runs`, { targets: { machineIds: [machineId] } }, cookie);
    expect((await runOnOurMachine(script.body.id, viewerCookie)).status).toBe(403);
    const other = await createOrgWithUser(api.db);
    const otherCookie = await login(api, other);
    for (const [method, url] of [
      ['GET', `/api/v1/scripts/${script.body.id}`],
      ['PATCH', `/api/v1/scripts/${script.body.id}`],
      ['DELETE', `/api/v1/scripts/${script.body.id}`],
      ['GET', `/api/v1/scripts/${script.body.id}/versions`],
    ] as const) {
      const res = await call(method, url, method === 'PATCH' ? { name: 'mine' } : undefined, otherCookie);
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    // Their run cannot target our machine: it matches nothing.
    const theirs = await call('POST', '/api/v1/scripts', { name: 'theirs', body: 'true' }, otherCookie);
    const res = await runOnOurMachine(theirs.body.id, otherCookie);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('no_matching_machines');
  });
});

describe('schedules api', () => {
  const base = (extra: Record<string, unknown> = {}) => ({
    name: `s-${randomBytes(3).toString('hex')}`,
    trigger: { kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' },
    target: { cloudIds: [cloudId] },
    action: { kind: 'stop' },
    enabled: false,
    ...extra,
  });

  it('creates, previews, updates and deletes; runs history starts empty', async () => {
    const created = await call('POST', '/api/v1/schedules', base({ enabled: true, maxRuns: 2 }));
    expect(created.status).toBe(201);
    expect(created.body.nextRuns).toHaveLength(2);
    for (const at of created.body.nextRuns) expect(at).toMatch(/T03:00:00\.000Z$/);
    const updated = await call('PATCH', `/api/v1/schedules/${created.body.id}`, {
      trigger: { kind: 'interval', intervalSeconds: 3600 },
      maxRuns: null,
    });
    expect(updated.body.trigger).toEqual({ kind: 'interval', intervalSeconds: 3600 });
    expect(updated.body.nextRuns).toHaveLength(5);
    expect((await call('GET', `/api/v1/schedules/${created.body.id}/runs`)).body.items).toEqual([]);
    expect((await call('DELETE', `/api/v1/schedules/${created.body.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/schedules/${created.body.id}`)).status).toBe(404);
  });

  it('explains every kind of bad schedule with a 400 and stores none of them', async () => {
    const other = await createOrgWithUser(api.db);
    const otherCookie = await login(api, other);
    const foreign = await call('POST', '/api/v1/scripts', { name: 'foreign', body: 'true' }, otherCookie);
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [base({ trigger: { kind: 'cron', cron: '* * *' } }), 400, /field/],
      [base({ trigger: { kind: 'cron', cron: '0 0 31 2 * *', timezone: 'Nowhere/Land' } }), 400, /time zone/],
      [base({ trigger: { kind: 'cron', cron: '0 99 * * *' } }), 400, /99/],
      [base({ trigger: { kind: 'once', runAt: '2001-01-01T00:00:00Z' } }), 400, /passed/],
      [base({ trigger: { kind: 'interval', intervalSeconds: 0 } }), 400, /./],
      [base({ startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }), 400, /after/],
      [base({ target: {} }), 400, /machineIds, tags or cloudIds/],
      [base({ action: { kind: 'run_script' } }), 400, /scriptId/],
      [base({ action: { kind: 'run_script', scriptId: foreign.body.id } }), 404, /Script/],
      [base({ action: { kind: 'notify' } }), 400, /message/],
      [base({ action: { kind: 'explode' } }), 400, /./],
    ];
    for (const [body, status, message] of cases) {
      const res = await call('POST', '/api/v1/schedules', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    const names = cases.map(([b]) => b.name as string);
    expect(await api.db.prisma.schedule.count({ where: { name: { in: names } } })).toBe(0);
    expect((await call('POST', '/api/v1/schedules', base(), viewerCookie)).status).toBe(403);
  });
});

describe('expiration api', () => {
  it('sets, shows, lists and clears an expiration; refuses a past date and another organization', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const set = await call('PUT', `/api/v1/machines/${machineId}/expiration`, {
      expiresAt: at,
      action: 'destroy',
      notifyMinutesBefore: 30,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ action: 'destroy', notifyMinutesBefore: 30, notifiedAt: null });
    const detail = await call('GET', `/api/v1/machines/${machineId}`);
    expect(detail.body.expiration.expiresAt).toBe(at);
    expect(detail.body.history[0].kind).toBe('expiration');
    const soon = await call('GET', '/api/v1/machines/expiring?withinHours=2');
    expect(soon.body.items).toEqual([expect.objectContaining({ machineId, action: 'destroy' })]);
    const past = await call('PUT', `/api/v1/machines/${machineId}/expiration`, {
      expiresAt: '2020-01-01T00:00:00Z',
      action: 'stop',
    });
    expect(past.status).toBe(400);
    const other = await createOrgWithUser(api.db);
    const otherCookie = await login(api, other);
    const foreign = await call(
      'PUT',
      `/api/v1/machines/${machineId}/expiration`,
      { expiresAt: at, action: 'stop' },
      otherCookie,
    );
    expect(foreign.status).toBe(404);
    expect(
      (await call('PUT', `/api/v1/machines/${randomUUID()}/expiration`, { expiresAt: at, action: 'stop' }))
        .status,
    ).toBe(404);
    expect((await call('DELETE', `/api/v1/machines/${machineId}/expiration`)).status).toBe(204);
    expect((await call('GET', `/api/v1/machines/${machineId}`)).body.expiration).toBeNull();
  });
});

describe('with Redis down', () => {
  it('runs and schedules are still accepted, kept in Postgres for the worker to queue later', async () => {
    const down = await startTestApi({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      const user = await createOrgWithUser(down.db);
      const as = await login(down, user);
      const cloud = await seedCloud(down.db, user.organizationId, { title: 'h', enabled: false });
      await seedMachine(down.db, user.organizationId, { cloudId: cloud.id, externalId: 'y', name: 'b' });
      const inject = (method: 'POST', url: string, payload: object) =>
        down.app.inject({ method, url, payload, headers: { cookie: as } });
      const script = await inject('POST', '/api/v1/scripts', { name: 'x', body: 'true' });
      const t0 = Date.now();
      const run = await inject('POST', `/api/v1/scripts/${script.json().id}/runs`, {
        targets: { cloudIds: [cloud.id] },
      });
      expect(run.statusCode).toBe(202);
      const schedule = await inject('POST', '/api/v1/schedules', {
        name: 'later',
        trigger: { kind: 'interval', intervalSeconds: 60 },
        target: { cloudIds: [cloud.id] },
        action: { kind: 'stop' },
      });
      expect(schedule.statusCode).toBe(201);
      expect(Date.now() - t0).toBeLessThan(10_000);
      const row = await down.db.prisma.scriptRun.findUniqueOrThrow({ where: { id: run.json().id } });
      expect(row.status).toBe('queued');
    } finally {
      await down.close();
    }
  }, 30_000);
});
