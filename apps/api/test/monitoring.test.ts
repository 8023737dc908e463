import { randomBytes } from 'node:crypto';
import { insertSamples, pruneSamples, rollupSamples } from '@overcast/core/monitoring';
import type { Role } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { createOrgWithUser, login, memberCookie, seedMachine, send, startOrgApi } from './support/harness';

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let viewerCookie: string;
let otherCookie: string;
let machineId: string;
let otherMachineId: string;
const bodies: string[] = [];

const addUser = (organizationId: string, role: Role) => memberCookie(api, organizationId, role);

async function call(cookie: string, method: string, url: string, payload?: unknown) {
  const res = await send(api, cookie, method, url, payload);
  bodies.push(res.body);
  return res;
}

const addMachine = (organizationId: string, name: string, costMonthly?: number) =>
  seedMachine(api.db, organizationId, { name, costMonthly });

const goodRule = () => ({
  name: `cpu high ${randomBytes(3).toString('hex')}`,
  target: { kind: 'all' },
  condition: {
    kind: 'metric',
    metric: 'cpu',
    aggregate: 'avg',
    windowSeconds: 300,
    operator: '>',
    threshold: 90,
  },
  actions: [{ kind: 'email' }],
});

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' }));
  viewerCookie = await addUser(owner.organizationId, 'viewer');
  const other = await createOrgWithUser(api.db);
  otherCookie = await login(api, other);
  machineId = await addMachine(owner.organizationId, 'busy', 80);
  otherMachineId = await addMachine(other.organizationId, 'theirs');
});
afterAll(() => api?.close());

describe('rules API', () => {
  it('creates, lists, changes and deletes a rule; other organizations see 404', async () => {
    const created = await call(ownerCookie, 'POST', '/api/v1/rules', goodRule());
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({ enabled: true, cooldownSeconds: 600, openIncidents: 0, lastFiredAt: null });
    const list = await call(ownerCookie, 'GET', '/api/v1/rules');
    expect(list.json().items.map((r: { id: string }) => r.id)).toContain(rule.id);
    const patched = await call(ownerCookie, 'PATCH', `/api/v1/rules/${rule.id}`, { enabled: false });
    expect(patched.json().enabled).toBe(false);
    expect((await call(otherCookie, 'GET', `/api/v1/rules/${rule.id}`)).statusCode).toBe(404);
    expect((await call(otherCookie, 'PATCH', `/api/v1/rules/${rule.id}`, { enabled: true })).statusCode).toBe(
      404,
    );
    expect((await call(otherCookie, 'DELETE', `/api/v1/rules/${rule.id}`)).statusCode).toBe(404);
    const dup = await call(ownerCookie, 'POST', '/api/v1/rules', { ...goodRule(), name: rule.name });
    expect(dup.statusCode).toBe(409);
    expect((await call(ownerCookie, 'DELETE', `/api/v1/rules/${rule.id}`)).statusCode).toBe(204);
    expect((await call(ownerCookie, 'GET', `/api/v1/rules/${rule.id}`)).statusCode).toBe(404);
  });

  it('answers an invalid rule with a 400 that names the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...goodRule(), condition: { ...goodRule().condition, threshold: 'high' } }, /condition\.threshold/],
      [
        { ...goodRule(), condition: { ...goodRule().condition, metric: 'temperature' } },
        /condition\.metric must be one of: cpu, load1/,
      ],
      [{ ...goodRule(), condition: { kind: 'weather' } }, /condition\.kind "weather" is not a known kind/],
      [
        { ...goodRule(), condition: { ...goodRule().condition, windowSeconds: 1 } },
        /condition\.windowSeconds/,
      ],
      [{ ...goodRule(), target: { kind: 'tag' } }, /target.*key/],
      [{ ...goodRule(), target: { kind: 'machines', machineIds: [otherMachineId] } }, /target\.machineIds/],
      [{ ...goodRule(), actions: [{ kind: 'machine_action', action: 'format' }] }, /actions\.0\.action/],
      [
        { ...goodRule(), actions: [{ kind: 'script', scriptId: crypto.randomUUID() }] },
        /actions\[0\]\.scriptId/,
      ],
      [{ ...goodRule(), cooldownSeconds: -5 }, /cooldownSeconds/],
      [{ ...goodRule(), surprise: true }, /surprise/],
      [
        {
          ...goodRule(),
          condition: { kind: 'cost', scope: 'total', threshold: 10 },
          actions: [{ kind: 'machine_action', action: 'stop' }],
        },
        /actions\[0\]/,
      ],
    ];
    for (const [body, field] of cases) {
      const res = await call(ownerCookie, 'POST', '/api/v1/rules', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(field);
    }
  });

  it('lets only members and above write', async () => {
    const res = await call(viewerCookie, 'POST', '/api/v1/rules', goodRule());
    expect(res.statusCode).toBe(403);
    expect((await call(viewerCookie, 'GET', '/api/v1/rules')).statusCode).toBe(200);
  });
});

describe('incidents API', () => {
  it("lists incidents with their rule and machine, and hides another organization's", async () => {
    const rule = (await call(ownerCookie, 'POST', '/api/v1/rules', goodRule())).json();
    const incident = await api.db.prisma.incident.create({
      data: {
        organizationId: owner.organizationId,
        ruleId: rule.id,
        machineId,
        value: 97,
        timeline: [{ at: new Date().toISOString(), kind: 'opened', message: 'cpu is 97' }],
      },
    });
    const list = await call(ownerCookie, 'GET', '/api/v1/incidents?status=open');
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ id: incident.id, ruleName: rule.name, machineName: 'busy', status: 'open' }),
    );
    const one = await call(ownerCookie, 'GET', `/api/v1/incidents/${incident.id}`);
    expect(one.json().timeline[0].message).toBe('cpu is 97');
    expect((await call(otherCookie, 'GET', `/api/v1/incidents/${incident.id}`)).statusCode).toBe(404);
    expect((await call(otherCookie, 'GET', '/api/v1/incidents')).json().items).toEqual([]);
    const rules = (await call(ownerCookie, 'GET', '/api/v1/rules')).json().items;
    expect(rules.find((r: { id: string }) => r.id === rule.id)).toMatchObject({ openIncidents: 1 });
  });
});

describe('notification channels API', () => {
  it('shows a webhook secret once, never again, and tests a channel with a clear answer', async () => {
    const created = await call(ownerCookie, 'POST', '/api/v1/notification-channels', {
      kind: 'webhook',
      name: 'hooks',
      url: 'http://127.0.0.1:1/nothing-listens',
    });
    expect(created.statusCode).toBe(201);
    const secret = created.json().secret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const list = await call(ownerCookie, 'GET', '/api/v1/notification-channels');
    expect(list.body).not.toContain(secret);
    // No smtp.host here: the rule builder must not offer email as if it worked.
    expect(list.json().emailAvailable).toBe(false);
    const stored = await api.db.prisma.notificationChannel.findFirst({ where: { id: created.json().id } });
    expect(Buffer.from(stored!.secret!).toString('latin1')).not.toContain(secret);
    const test = await call(ownerCookie, 'POST', `/api/v1/notification-channels/${created.json().id}/test`);
    expect(test.statusCode).toBe(200);
    expect(test.json()).toMatchObject({
      ok: false,
      message: expect.stringContaining('could not be delivered'),
    });
    expect(
      (await call(otherCookie, 'POST', `/api/v1/notification-channels/${created.json().id}/test`)).statusCode,
    ).toBe(404);
    const email = await call(ownerCookie, 'POST', '/api/v1/notification-channels', {
      kind: 'email',
      name: 'ops',
      recipients: ['not an email'],
    });
    expect(email.statusCode).toBe(400);
    expect(email.json().error.message).toMatch(/recipients/);
    const smtpless = await call(ownerCookie, 'POST', '/api/v1/notification-channels', {
      kind: 'email',
      name: 'ops',
      recipients: ['ops@example.com'],
    });
    const tested = await call(
      ownerCookie,
      'POST',
      `/api/v1/notification-channels/${smtpless.json().id}/test`,
    );
    expect(tested.json()).toMatchObject({ ok: false, message: expect.stringContaining('smtp.host') });
  });
});

describe('metrics API', () => {
  it('serves a series bucketed to at most 500 points, the fleet view, and 404 for another org', async () => {
    const now = Date.now();
    const rows = [];
    for (let i = 0; i < 24 * 60; i++) {
      const time = new Date(now - i * 60_000);
      rows.push({
        time,
        organizationId: owner.organizationId,
        machineId,
        metric: 'cpu' as const,
        series: '',
        value: 90,
      });
      rows.push({
        time,
        organizationId: owner.organizationId,
        machineId,
        metric: 'memory' as const,
        series: '',
        value: 50,
      });
    }
    await insertSamples(api.db, rows);
    const day = await call(ownerCookie, 'GET', `/api/v1/machines/${machineId}/metrics?metric=cpu&range=24h`);
    expect(day.statusCode).toBe(200);
    const points = day.json().series[0].points;
    expect(points.length).toBeLessThanOrEqual(500);
    expect(points.length).toBeGreaterThan(200);
    expect(points[0]).toMatchObject({ avg: 90, min: 90, max: 90 });
    expect(
      (await call(otherCookie, 'GET', `/api/v1/machines/${machineId}/metrics?metric=cpu`)).statusCode,
    ).toBe(404);
    const bad = await call(ownerCookie, 'GET', `/api/v1/machines/${machineId}/metrics?metric=cpu&range=2y`);
    expect(bad.statusCode).toBe(400);
    // Hourly rollups agree with the samples; retention removes what is past its age.
    await rollupSamples(api.db, new Date(now - 25 * 3_600_000));
    const rollups = await api.db.prisma.metricRollup.findMany({ where: { machineId, metric: 'cpu' } });
    expect(rollups.reduce((n, r) => n + r.count, 0)).toBe(24 * 60);
    expect(rollups.every((r) => r.avg === 90 && r.min === 90 && r.max === 90)).toBe(true);
    const old = new Date(now - 40 * 86_400_000);
    await insertSamples(api.db, [
      { time: old, organizationId: owner.organizationId, machineId, metric: 'cpu', series: '', value: 1 },
    ]);
    const pruned = await pruneSamples(api.db, { rawRetentionDays: 31, rollupRetentionDays: 400 });
    expect(pruned.samples).toBeGreaterThanOrEqual(1);
    expect(await api.db.prisma.metricSample.count({ where: { machineId, time: old } })).toBe(0);
    expect(await api.db.prisma.metricSample.count({ where: { machineId, metric: 'cpu' } })).toBe(24 * 60);
    const fleet = await call(ownerCookie, 'GET', '/api/v1/monitoring/fleet?hours=24');
    expect(fleet.json().busiest[0]).toMatchObject({ machineId, cpu: 90, memory: 50, costMonthly: 80 });
  });

  it('turns monitoring on for one machine or by tag', async () => {
    const on = await call(ownerCookie, 'PUT', `/api/v1/machines/${machineId}/monitoring`, { enabled: true });
    expect(on.json()).toMatchObject({ enabled: true, method: 'ssh' });
    const exporter = await call(ownerCookie, 'PUT', `/api/v1/machines/${machineId}/monitoring`, {
      enabled: true,
      method: 'node_exporter',
    });
    expect(exporter.statusCode).toBe(400);
    expect(exporter.json().error.message).toMatch(/nodeExporterUrl/);
    await api.db.prisma.tag.create({
      data: {
        organizationId: owner.organizationId,
        resourceKind: 'machine',
        resourceId: machineId,
        key: 'env',
        value: 'prod',
      },
    });
    const off = await call(ownerCookie, 'POST', '/api/v1/monitoring/machines', {
      target: { kind: 'tag', key: 'env', value: 'prod' },
      enabled: false,
    });
    expect(off.json()).toEqual({ machines: 1 });
    const theirs = await call(ownerCookie, 'PUT', `/api/v1/machines/${otherMachineId}/monitoring`, {
      enabled: true,
    });
    expect(theirs.statusCode).toBe(404);
  });
});
