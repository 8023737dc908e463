import { type Ec2Sim, startEc2Sim } from '@overcast/cloud-sim';
import { fireSchedule } from '@overcast/core/automation';
import { createNotifier } from '@overcast/core/notifications';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Cloud, pollNow } from './support/clouds';
import { addMember, send, startOrgApi, type TestApi } from './support/harness';

// Quotas and constraints hold changes as well as creations: a start makes a stopped EC2
// instance bill its running price again, and a resize can take more vCPUs and money. A refusal
// says which limit, the use and what fits, and nothing reaches the provider.

let api: TestApi;
let ownerCookie: string;
let member: Awaited<ReturnType<typeof addMember>>;
let ec2: Ec2Sim;
let cloudId: string;
let webTeamId: string;
type Row = { id: string; name: string; externalId: string; size: string | null };
let stopped: Row[];

const call = (who: string, method: string, url: string, payload?: unknown) =>
  send(api, who, method, url, payload);
const setTeam = (limits: object) => call(ownerCookie, 'PUT', `/api/v1/limits/teams/${webTeamId}`, limits);
const webUsage = async () =>
  (await call(ownerCookie, 'GET', '/api/v1/limits'))
    .json()
    .items.find((s: { name: string }) => s.name === 'Web').usage as {
    machines: number;
    vcpus: number;
    monthly: string;
  };
const instance = (r: Row) => ec2.state.instances.get(r.externalId)!;
const sizeOf = (externalId: string) =>
  api.db.prisma.size.findFirstOrThrow({ where: { cloudId, externalId } });
const deniedAudits = (action: string, resourceId: string) =>
  api.db.prisma.auditEvent.count({ where: { action, resourceId, result: 'denied' } });

beforeAll(async () => {
  const started = await startOrgApi();
  ({ api, ownerCookie } = started);
  ec2 = await startEc2Sim({ seed: { machines: 8, seed: 7 }, regions: ['us-east-1'], transitionMs: 0 });
  const res = await call(ownerCookie, 'POST', '/api/v1/clouds', ec2Cloud(ec2));
  expect(res.statusCode, res.body).toBe(201);
  cloudId = res.json().id;
  expect((await pollNow(api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(api, cloudId, 'catalog')).status).toBe('ok');
  member = await addMember(api, started.owner.organizationId, 'member');
  webTeamId = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: 'Web' })).json().id;
  await call(ownerCookie, 'PUT', `/api/v1/teams/${webTeamId}/members`, { userIds: [member.userId] });
  // Two instances the member made, stopped: their spend counts in team Web's.
  stopped = await api.db.prisma.machine.findMany({
    where: { cloudId, state: 'running' },
    orderBy: { name: 'asc' },
    take: 2,
  });
  for (const m of stopped) {
    const res = await call(ownerCookie, 'POST', `/api/v1/machines/${m.id}/actions`, { action: 'stop' });
    expect(res.statusCode, res.body).toBe(202);
  }
  expect((await pollNow(api, cloudId, 'machines')).status).toBe('ok');
  await api.db.prisma.machine.updateMany({
    where: { id: { in: stopped.map((m) => m.id) } },
    data: { createdById: member.userId },
  });
  const rows = await api.db.prisma.machine.findMany({ where: { id: { in: stopped.map((m) => m.id) } } });
  expect(rows.map((r) => [r.state, r.costSource])).toEqual([
    ['stopped', 'stopped'],
    ['stopped', 'stopped'],
  ]);
}, 120_000);
afterAll(async () => {
  await ec2?.close();
  await api?.close();
});

describe('starting a stopped machine', () => {
  it('is refused over the team budget with the figures, reaches no provider, and goes through once it fits', async () => {
    const [m] = stopped as [Row];
    const row = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: m.id } });
    const estimate = await call(ownerCookie, 'POST', `/api/v1/clouds/${cloudId}/machines/estimate`, {
      size: row.size,
      location: row.location,
    });
    const price = Number(estimate.json().monthly);
    expect(price).toBeGreaterThan(0);
    const used = Number((await webUsage()).monthly);
    const budget = (used + price / 2).toFixed(2);
    expect((await setTeam({ monthlyBudget: budget })).statusCode).toBe(200);

    const refused = await call(member.cookie, 'POST', `/api/v1/machines/${m.id}/actions`, {
      action: 'start',
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'quota_exceeded' });
    expect(refused.json().error.message).toBe(
      `Team Web's budget is $${budget} a month; its machines cost $${used.toFixed(2)} and starting ${m.name} ` +
        `would add $${price.toFixed(2)}: stop or destroy another machine first, or ask an admin to raise the limit.`,
    );
    expect(instance(m).state).toBe('stopped');
    expect(await deniedAudits('machine.start', m.id)).toBe(1);

    expect((await setTeam({ monthlyBudget: (used + price).toFixed(2) })).statusCode).toBe(200);
    const started = await call(member.cookie, 'POST', `/api/v1/machines/${m.id}/actions`, {
      action: 'start',
    });
    expect(started.statusCode, started.body).toBe(202);
    expect(['pending', 'running']).toContain(instance(m).state);
    expect((await setTeam({})).statusCode).toBe(200);
  });
});

describe('resizing', () => {
  /** The resize options of the second stopped machine, each with its vCPUs. */
  const options = async () => {
    const m = stopped[1] as Row;
    const res = await call(member.cookie, 'GET', `/api/v1/machines/${m.id}/resize-options`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().sizes as { externalId: string; cpus: number | null; priceMonthly: string | null }[];
  };

  it('is refused over the vCPU quota, saying how many fit; a smaller size still goes', async () => {
    const m = stopped[1] as Row;
    const had = (await sizeOf(m.size!)).cpus!;
    const sizes = await options();
    const bigger = sizes.find((s) => s.cpus !== null && s.cpus > had)!;
    const smaller = sizes.find((s) => s.cpus !== null && s.cpus <= had && s.priceMonthly !== null);
    expect(bigger).toBeTruthy();
    const { vcpus } = await webUsage();
    expect((await setTeam({ maxVcpus: vcpus })).statusCode).toBe(200);

    const refused = await call(member.cookie, 'POST', `/api/v1/machines/${m.id}/resize`, {
      size: bigger.externalId,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.message).toBe(
      `Team Web may use at most ${vcpus} vCPUs; its machines use ${vcpus} and resizing ${m.name} to ${bigger.externalId} ` +
        `would add ${bigger.cpus! - had}: choose a size of at most ${had} vCPU${had === 1 ? '' : 's'}, or ask an admin to raise the limit.`,
    );
    expect(instance(m).instanceType).toBe(m.size);
    expect(await deniedAudits('machine.resize', m.id)).toBe(1);

    if (smaller) {
      const ok = await call(member.cookie, 'POST', `/api/v1/machines/${m.id}/resize`, {
        size: smaller.externalId,
      });
      expect(ok.statusCode, ok.body).toBe(204);
      expect(instance(m).instanceType).toBe(smaller.externalId);
    }
    expect((await setTeam({})).statusCode).toBe(200);
  });

  it("is held to the team's allowed sizes, on the size field", async () => {
    const m = stopped[1] as Row;
    const now = instance(m).instanceType;
    const target = (await options()).find((s) => s.externalId !== now)!;
    expect((await setTeam({ allowedSizes: [now] })).statusCode).toBe(200);
    const refused = await call(member.cookie, 'POST', `/api/v1/machines/${m.id}/resize`, {
      size: target.externalId,
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'constraint_violated',
      field: 'body.size',
      message: `Team Web allows only the sizes ${now}; choose one of them.`,
    });
    expect(instance(m).instanceType).toBe(now);
    expect((await setTeam({})).statusCode).toBe(200);
  });
});

describe('a schedule that starts machines', () => {
  it('acts within the limits of its person: over the budget, its run fails with the figures', async () => {
    const m = stopped[1] as Row;
    expect(instance(m).state).toBe('stopped');
    const used = (await webUsage()).monthly;
    expect((await setTeam({ monthlyBudget: used })).statusCode).toBe(200);
    const runAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call(member.cookie, 'POST', '/api/v1/schedules', {
      name: 'morning start',
      trigger: { kind: 'once', runAt },
      target: { machineIds: [m.id] },
      action: { kind: 'start' },
      enabled: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    const runId = await fireSchedule(
      api.runtime,
      createNotifier(api.runtime),
      created.json().id,
      Date.parse(runAt),
    );
    const run = await api.db.prisma.scheduleRun.findUniqueOrThrow({ where: { id: runId! } });
    expect(run.status).toBe('failed');
    expect(run.results).toEqual([
      expect.objectContaining({
        machineId: m.id,
        result: 'failed',
        error: expect.stringMatching(
          new RegExp(`^Team Web's budget is \\$${used} a month; .* starting ${m.name} would add \\$`),
        ),
      }),
    ]);
    expect(instance(m).state).toBe('stopped');
    expect((await setTeam({})).statusCode).toBe(200);
  });
});
