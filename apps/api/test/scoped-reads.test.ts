import { randomBytes, randomUUID } from 'node:crypto';
import type { StreamEvent } from '@overcast/contracts';
import { publishEvents } from '@overcast/core/events';
import { createRedis } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { addMember, createOrgWithUser, login, send, startTestApi, watchStream } from './support/harness';

// A member whose teams limit them to cloud A, to rules and schedules without the tag secret, and
// to machines without the tag locked, reads runs, incidents, schedule history and live events
// exactly like the machines, rules and schedules those belong to.

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let memberCookie: string;
const ids = {} as Record<
  | 'cloudA'
  | 'cloudB'
  | 'mA'
  | 'mB'
  | 'script'
  | 'runBoth'
  | 'runB'
  | 'rule'
  | 'secretRule'
  | 'schedule'
  | 'secretSchedule'
  | 'scheduleRun',
  string
>;

const hex = () => randomBytes(4).toString('hex');

const call = (cookie: string, method: string, url: string, payload?: unknown) =>
  send(api, cookie, method, url, payload);

const tag = (resourceKind: string, resourceId: string, key: string) =>
  api.db.prisma.tag.create({
    data: { organizationId: owner.organizationId, resourceKind, resourceId, key, value: 'yes' },
  });

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' });
  owner = await createOrgWithUser(api.db);
  ownerCookie = await login(api, owner);
  const org = owner.organizationId;
  const { prisma } = api.db;
  for (const name of ['cloudA', 'cloudB'] as const) {
    const c = await prisma.cloud.create({
      data: {
        organizationId: org,
        provider: 'ssh_host',
        title: `${name}-${hex()}`,
        credentials: Buffer.from('x'),
      },
    });
    ids[name] = c.id;
  }
  for (const [name, cloud] of [
    ['mA', ids.cloudA],
    ['mB', ids.cloudB],
  ] as const) {
    const m = await prisma.machine.create({
      data: { organizationId: org, cloudId: cloud, externalId: `m-${hex()}`, name, state: 'running' },
    });
    ids[name] = m.id;
  }
  const script = await call(ownerCookie, 'POST', '/api/v1/scripts', { name: `s-${hex()}`, body: 'uptime' });
  expect(script.statusCode).toBe(201);
  ids.script = script.json().id;
  const run = (machines: [string, string][]) =>
    prisma.scriptRun.create({
      data: {
        organizationId: org,
        scriptId: ids.script,
        version: 1,
        parameters: { WHO: 'param-value' },
        target: { machineIds: machines.map(([id]) => id) },
        status: 'succeeded',
        targets: {
          create: machines.map(([machineId, out]) => ({
            machineId,
            machineName: machineId === ids.mA ? 'mA' : 'mB',
            status: 'succeeded',
            stdout: out,
          })),
        },
      },
    });
  ids.runBoth = (
    await run([
      [ids.mA, 'output-of-a'],
      [ids.mB, 'output-of-b'],
    ])
  ).id;
  ids.runB = (await run([[ids.mB, 'only-b']])).id;
  for (const name of ['rule', 'secretRule'] as const) {
    ids[name] = (
      await prisma.rule.create({ data: { organizationId: org, name: `${name}-${hex()}`, condition: {} } })
    ).id;
  }
  await tag('rule', ids.secretRule, 'secret');
  for (const name of ['schedule', 'secretSchedule'] as const) {
    ids[name] = (
      await prisma.schedule.create({
        data: {
          organizationId: org,
          name: `${name}-${hex()}`,
          triggerKind: 'interval',
          intervalSeconds: 3600,
          action: 'stop',
        },
      })
    ).id;
  }
  await tag('schedule', ids.secretSchedule, 'secret');
  ids.scheduleRun = (
    await prisma.scheduleRun.create({
      data: {
        organizationId: org,
        scheduleId: ids.schedule,
        slot: new Date(),
        status: 'partial',
        results: [
          { machineId: ids.mA, name: 'mA', result: 'done' },
          { machineId: ids.mB, name: 'mB', result: 'failed', error: 'b is down' },
          { machineId: null, name: 'notice', result: 'done' },
        ],
      },
    })
  ).id;

  const member = await addMember(api, org, 'member');
  memberCookie = member.cookie;
  const team = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: `limited-${hex()}` })).json();
  await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [member.userId] });
  const set = await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
    policies: [
      { effect: 'allow', action: '*', kind: 'machines', cloudIds: [ids.cloudA] },
      { effect: 'allow', action: 'read', kind: 'clouds', cloudIds: [ids.cloudA] },
      { effect: 'deny', action: '*', kind: 'machines', tags: { locked: '' } },
      { effect: 'allow', action: '*', kind: 'scripts' },
      { effect: 'allow', action: '*', kind: 'rules' },
      { effect: 'deny', action: '*', kind: 'rules', tags: { secret: '' } },
      { effect: 'allow', action: '*', kind: 'schedules' },
      { effect: 'deny', action: '*', kind: 'schedules', tags: { secret: '' } },
    ],
  });
  expect(set.statusCode).toBe(200);
});
afterAll(() => api?.close());

describe('policy-limited reads of what belongs to other resources', () => {
  it('script runs: only runs that reached a machine they may read, with only those machines’ output', async () => {
    for (const url of ['/api/v1/script-runs', `/api/v1/scripts/${ids.script}/runs`]) {
      const list = await call(memberCookie, 'GET', url);
      expect(list.statusCode).toBe(200);
      const items = list.json().items as { id: string; counts: Record<string, number> }[];
      expect(items.map((r) => r.id)).toEqual([ids.runBoth]);
      expect(items[0]!.counts).toEqual({ succeeded: 1 });
    }
    const one = await call(memberCookie, 'GET', `/api/v1/script-runs/${ids.runBoth}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().targets.map((t: { machineId: string }) => t.machineId)).toEqual([ids.mA]);
    expect(one.json().target.machineIds).toEqual([ids.mA]);
    expect(one.body).not.toContain('output-of-b');
    expect(one.body).not.toContain(ids.mB);
    const hidden = await call(memberCookie, 'GET', `/api/v1/script-runs/${ids.runB}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('only-b');
    // The owner still sees everything.
    const all = (await call(ownerCookie, 'GET', `/api/v1/scripts/${ids.script}/runs`)).json().items;
    expect(all.map((r: { id: string }) => r.id).sort()).toEqual([ids.runBoth, ids.runB].sort());
    const full = (await call(ownerCookie, 'GET', `/api/v1/script-runs/${ids.runBoth}`)).json();
    expect(full.targets).toHaveLength(2);
  });

  it('incidents: only of rules they may read, about no machine or a machine they may read', async () => {
    const { prisma } = api.db;
    const org = owner.organizationId;
    const incident = (ruleId: string, machineId: string | null) =>
      prisma.incident.create({ data: { organizationId: org, ruleId, machineId } });
    const onA = await incident(ids.rule, ids.mA);
    const onB = await incident(ids.rule, ids.mB);
    const ruleWide = await incident(ids.rule, null);
    const secret = await incident(ids.secretRule, null);
    const list = await call(memberCookie, 'GET', '/api/v1/incidents');
    expect(list.statusCode).toBe(200);
    expect((list.json().items as { id: string }[]).map((i) => i.id).sort()).toEqual(
      [onA.id, ruleWide.id].sort(),
    );
    for (const [id, status] of [
      [onA.id, 200],
      [ruleWide.id, 200],
      [onB.id, 404],
      [secret.id, 404],
    ] as const) {
      expect((await call(memberCookie, 'GET', `/api/v1/incidents/${id}`)).statusCode, id).toBe(status);
    }
    const byMachine = await call(memberCookie, 'GET', `/api/v1/incidents?machineId=${ids.mB}`);
    expect(byMachine.json().items).toEqual([]);
    const ownerList = (await call(ownerCookie, 'GET', '/api/v1/incidents')).json().items as { id: string }[];
    expect(ownerList.map((i) => i.id)).toEqual(
      expect.arrayContaining([onA.id, onB.id, ruleWide.id, secret.id]),
    );
  });

  it('schedule history: results only for machines they may read; a hidden schedule’s history is 404', async () => {
    const runs = await call(memberCookie, 'GET', `/api/v1/schedules/${ids.schedule}/runs`);
    expect(runs.statusCode).toBe(200);
    const [run] = runs.json().items as { results: { machineId: string | null }[] }[];
    expect(run!.results.map((r) => r.machineId)).toEqual([ids.mA, null]);
    expect(runs.body).not.toContain('b is down');
    expect((await call(memberCookie, 'GET', `/api/v1/schedules/${ids.secretSchedule}/runs`)).statusCode).toBe(
      404,
    );
    const ownerRuns = (await call(ownerCookie, 'GET', `/api/v1/schedules/${ids.schedule}/runs`)).json();
    expect(ownerRuns.items[0].results).toHaveLength(3);
  });

  it('the live stream carries only events about what they may read, and follows a retag at once', async () => {
    const theirs = await watchStream<StreamEvent>(api, memberCookie);
    const ours = await watchStream<StreamEvent>(api, ownerCookie);
    const [got, all] = [theirs.events, ours.events];
    await new Promise((r) => setTimeout(r, 200));
    const machineEvent = (machineId: string, cloudId: string, n: number): StreamEvent => ({
      type: 'machine.changed',
      cloudId,
      machineId,
      kind: 'state_changed',
      data: { n },
    });
    const output = (runId: string, machineId: string, data: string): StreamEvent => ({
      type: 'script.output',
      runId,
      targetId: machineId,
      machineId,
      stream: 'stdout',
      data,
    });
    const incident = (ruleId: string, machineId: string | null): StreamEvent => ({
      type: 'incident.changed',
      incidentId: randomUUID(),
      ruleId,
      machineId,
      status: 'open',
    });
    const events: StreamEvent[] = [
      machineEvent(ids.mA, ids.cloudA, 1),
      machineEvent(ids.mB, ids.cloudB, 2),
      { type: 'cloud.changed', cloudId: ids.cloudA },
      { type: 'cloud.changed', cloudId: ids.cloudB },
      output(ids.runBoth, ids.mA, 'out-a'),
      output(ids.runBoth, ids.mB, 'out-b'),
      { type: 'script.run', runId: ids.runBoth, scriptId: ids.script, status: 'succeeded' },
      { type: 'script.run', runId: ids.runB, scriptId: ids.script, status: 'succeeded' },
      { type: 'schedule.run', scheduleId: ids.schedule, runId: ids.scheduleRun, status: 'partial' },
      { type: 'schedule.run', scheduleId: ids.secretSchedule, runId: ids.scheduleRun, status: 'partial' },
      incident(ids.rule, ids.mA),
      incident(ids.rule, ids.mB),
      incident(ids.rule, null),
      incident(ids.secretRule, null),
    ];
    const seen = (list: StreamEvent[]) => list.filter((e) => e.type !== ('hello' as string));
    const redis = createRedis(api.settings.redisUrl, { enableOfflineQueue: true });
    try {
      await publishEvents(redis, owner.organizationId, events);
      await expect.poll(() => seen(all).length).toBeGreaterThanOrEqual(events.length);
      await api.app.eventHub.settled();
      await new Promise((r) => setTimeout(r, 100));
      expect(seen(all)).toEqual(events);
      expect(seen(got)).toEqual([
        events[0],
        events[2],
        events[4],
        events[6],
        events[8],
        events[10],
        events[12],
      ]);

      // Tagging mA "locked" hides it at once: the tagging event itself and every later one.
      got.length = 0;
      const tagged = await call(ownerCookie, 'POST', `/api/v1/machines/${ids.mA}/tags`, {
        tags: { locked: 'yes' },
      });
      expect(tagged.statusCode).toBeLessThan(300);
      await publishEvents(redis, owner.organizationId, [
        machineEvent(ids.mA, ids.cloudA, 3),
        output(ids.runBoth, ids.mA, 'x'),
      ]);
      await expect.poll(() => all.filter((e) => e.type === 'script.output' && e.data === 'x').length).toBe(1);
      await api.app.eventHub.settled();
      await new Promise((r) => setTimeout(r, 100));
      expect(seen(got)).toEqual([]);
    } finally {
      redis.disconnect();
      theirs.close();
      ours.close();
    }
  });
});
