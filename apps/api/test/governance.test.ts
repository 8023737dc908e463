import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerSim, startDockerSim } from '@overcast/cloud-sim';
import { observe } from '@overcast/core/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDigitalOceanApi } from './support/clouds';
import { addMember, type TestApi } from './support/harness';

// Quotas and constraints hold every creation path: the form and the API (one route), and
// containers. A team's limits bind its members only; the organization's bind everyone.

const TOKEN = 'do-token-governance';
let started: Awaited<ReturnType<typeof startDigitalOceanApi>>;
let api: TestApi;
let ownerCookie: string;
let member: Awaited<ReturnType<typeof addMember>>;
let cloudId: string;
let webTeamId: string;
let opsTeamId: string;

type Who = string;
const call = (who: Who, method: string, url: string, payload?: unknown) =>
  api.app.inject({ method: method as 'GET', url, payload: payload as object, headers: { cookie: who } });
const machine = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  size: 's-2vcpu-4gb',
  image: 'debian-12-x64',
  location: 'fra1',
  tags: { env: 'prod' },
  ...extra,
});
const droplets = () => started.sim.account(TOKEN).droplets.size;
const setTeam = (teamId: string, limits: object) =>
  call(ownerCookie, 'PUT', `/api/v1/limits/teams/${teamId}`, limits);
const setOrg = (limits: object) => call(ownerCookie, 'PUT', '/api/v1/limits/organization', limits);
const create = (who: Who, body: object) => call(who, 'POST', `/api/v1/clouds/${cloudId}/machines`, body);

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 0);
  ({ api, ownerCookie } = started);
  const cloud = await call(ownerCookie, 'POST', '/api/v1/clouds', {
    provider: 'digitalocean',
    title: 'DO',
    credentials: { token: TOKEN },
    endpoint: started.sim.url,
  });
  cloudId = cloud.json().id;
  expect((await started.poll(cloudId, 'catalog')).status).toBe('ok');
  member = await addMember(api, started.owner.organizationId, 'member');
  const web = await call(ownerCookie, 'POST', '/api/v1/teams', { name: 'Web' });
  const ops = await call(ownerCookie, 'POST', '/api/v1/teams', { name: 'Ops' });
  webTeamId = web.json().id;
  opsTeamId = ops.json().id;
  await call(ownerCookie, 'PUT', `/api/v1/teams/${webTeamId}/members`, { userIds: [member.userId] });
});
afterAll(() => started?.close());

describe('limits: who sets them and what they accept', () => {
  it('an admin sets a team budget; everyone reads it with the use', async () => {
    const res = await setTeam(webTeamId, { monthlyBudget: '30', maxMachines: 5 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'Web',
      limits: { monthlyBudget: '30.00', maxMachines: 5 },
      usage: { machines: 0, monthly: '0.00' },
    });
    const read = await call(member.cookie, 'GET', '/api/v1/limits');
    expect(read.statusCode).toBe(200);
    expect(read.json().items.map((s: { name: string }) => s.name)).toEqual([
      'The organization',
      'Ops',
      'Web',
    ]);
  });

  it('a member may not set limits', async () => {
    expect(
      (await call(member.cookie, 'PUT', `/api/v1/limits/teams/${webTeamId}`, { maxMachines: 100 }))
        .statusCode,
    ).toBe(403);
  });

  it('refuses negative quotas, a malformed budget and clouds the organization does not have, changing nothing', async () => {
    for (const bad of [
      { maxMachines: -1 },
      { maxVcpus: -4 },
      { monthlyBudget: '-5' },
      { monthlyBudget: 'lots' },
    ]) {
      const res = await setTeam(webTeamId, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const unknown = await setTeam(webTeamId, { allowedCloudIds: [crypto.randomUUID()] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'unknown_cloud', field: 'body.allowedCloudIds' });
    const web = (await call(ownerCookie, 'GET', '/api/v1/limits'))
      .json()
      .items.find((s: { name: string }) => s.name === 'Web');
    expect(web.limits).toMatchObject({ monthlyBudget: '30.00', maxMachines: 5, allowedCloudIds: [] });
    expect(
      (await call(ownerCookie, 'PUT', `/api/v1/limits/teams/${crypto.randomUUID()}`, {})).statusCode,
    ).toBe(404);
  });
});

describe('creating machines within and over the limits', () => {
  it('the form shows the estimate and what remains of the budget', async () => {
    const res = await call(member.cookie, 'POST', `/api/v1/clouds/${cloudId}/machines/estimate`, {
      size: 's-2vcpu-4gb',
      location: 'fra1',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      monthly: '24.00',
      vcpus: 2,
      budgets: [{ name: 'Team Web', budget: '30.00', used: '0.00', remaining: '6.00' }],
      refusal: null,
      needsApproval: false,
    });
  });

  it('a member creates within the budget, then is refused over it with the limit, the use and what fits', async () => {
    const first = await create(member.cookie, machine('web-1'));
    expect(first.statusCode, first.body).toBe(201);
    const before = droplets();
    const over = await create(member.cookie, machine('web-2'));
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'quota_exceeded',
      message:
        "Team Web's budget is $30.00 a month; its machines cost $24.00 and this one would add $24.00: " +
        'choose a size of at most $6.00 a month, or ask an admin to raise the limit.',
    });
    expect(droplets()).toBe(before);
    // What fits does fit.
    const small = await create(member.cookie, machine('web-small', { size: 's-1vcpu-1gb' }));
    expect(small.statusCode, small.body).toBe(201);
  });

  it("a team the member is not in does not bind them; the owner, in no team, is held by the organization's limits only", async () => {
    expect((await setTeam(opsTeamId, { maxMachines: 0 })).statusCode).toBe(200);
    expect((await setTeam(webTeamId, { monthlyBudget: '100' })).statusCode).toBe(200);
    expect((await create(ownerCookie, machine('owner-1'))).statusCode).toBe(201);
    const est = await call(member.cookie, 'POST', `/api/v1/clouds/${cloudId}/machines/estimate`, {
      size: 's-1vcpu-1gb',
    });
    expect(est.json().refusal).toBeNull();
  });

  it('the organization caps machines for everyone, naming the count', async () => {
    const running = (await call(ownerCookie, 'GET', '/api/v1/limits')).json().items[0].usage.machines;
    expect(running).toBe(3);
    expect((await setOrg({ maxMachines: 3 })).statusCode).toBe(200);
    const res = await create(ownerCookie, machine('owner-2'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(
      'The organization may run at most 3 machines; it runs 3 and this would add 1: destroy one first, or ask an admin to raise the limit.',
    );
    expect((await setOrg({})).statusCode).toBe(200);
  });

  it('two requests at once cannot both slip under the machine quota', async () => {
    const now = (await call(ownerCookie, 'GET', '/api/v1/limits')).json().items[0].usage.machines;
    expect((await setOrg({ maxMachines: now + 1 })).statusCode).toBe(200);
    const results = await Promise.all([
      create(ownerCookie, machine('race-a', { size: 's-1vcpu-1gb' })),
      create(ownerCookie, machine('race-b', { size: 's-1vcpu-1gb' })),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await setOrg({})).statusCode).toBe(200);
  });
});

describe('constraints', () => {
  beforeAll(async () => {
    const res = await setTeam(webTeamId, {
      allowedLocations: ['fra1'],
      allowedImages: ['debian-12-x64'],
      requiredTags: { env: ['prod', 'dev'] },
      maxLifetimeHours: 24,
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuse a location, an image or a tag outside them, on the field at fault, creating nothing', async () => {
    const before = droplets();
    const cases: [object, string, RegExp][] = [
      [{ location: 'nyc1' }, 'body.location', /Team Web allows only the locations fra1/],
      [{ image: 'fedora-40-x64' }, 'body.image', /allows only the images debian-12-x64/],
      [{ tags: {} }, 'body.tags.env', /requires the tag env \(one of: prod, dev\)/],
      [
        { tags: { env: 'qa' } },
        'body.tags.env',
        /allows the tag env only as prod, dev; "qa" is not one of them/,
      ],
    ];
    for (const [change, field, message] of cases) {
      const res = await create(member.cookie, machine('c-1', { size: 's-1vcpu-512mb-10gb', ...change }));
      expect(res.statusCode, JSON.stringify(change)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'constraint_violated', field });
      expect(res.json().error.message).toMatch(message);
    }
    expect(droplets()).toBe(before);
  });

  it('a maximum lifetime gives a machine an expiration, and refuses one further away', async () => {
    const far = new Date(Date.now() + 48 * 3_600_000).toISOString();
    const refused = await create(
      member.cookie,
      machine('c-2', {
        size: 's-1vcpu-512mb-10gb',
        expiration: { expiresAt: far, action: 'stop' },
      }),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ field: 'body.expiration.expiresAt' });
    expect(refused.json().error.message).toMatch(/Team Web lets a machine live at most 24 hours/);

    const res = await create(member.cookie, machine('c-3', { size: 's-1vcpu-512mb-10gb' }));
    expect(res.statusCode, res.body).toBe(201);
    const row = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: res.json().id } });
    const hours = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThanOrEqual(24);
    expect(row.expirationAction).toBe('destroy');

    // Changing it later is held to the same bound, and it cannot be cleared.
    const url = `/api/v1/machines/${row.id}/expiration`;
    const later = await call(member.cookie, 'PUT', url, { expiresAt: far, action: 'destroy' });
    expect(later.statusCode).toBe(400);
    expect(later.json().error).toMatchObject({ code: 'constraint_violated', field: 'body.expiresAt' });
    const cleared = await call(member.cookie, 'DELETE', url);
    expect(cleared.statusCode).toBe(400);
    expect(cleared.json().error.message).toMatch(/cannot be cleared/);
    const soon = new Date(Date.now() + 2 * 3_600_000).toISOString();
    expect((await call(member.cookie, 'PUT', url, { expiresAt: soon, action: 'stop' })).statusCode).toBe(200);
  });
});

describe('containers', () => {
  let sim: DockerSim;
  let dockerId: string;
  const scratch = mkdtempSync(join(tmpdir(), 'overcast-governance-'));
  beforeAll(async () => {
    sim = await startDockerSim({ socketPath: join(scratch, 'docker.sock'), pullStepMs: 1 });
    sim.engine.addImage('alpine:3.20');
    const res = await call(ownerCookie, 'POST', '/api/v1/clouds', {
      provider: 'docker',
      title: 'engine',
      credentials: {},
      config: { host: `unix://${sim.socketPath}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    dockerId = res.json().id;
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("are held to the team's clouds, images and required labels, and to the machine quota", async () => {
    const url = `/api/v1/clouds/${dockerId}/containers`;
    const before = sim.engine.containers.size;
    expect((await setTeam(webTeamId, { allowedCloudIds: [cloudId] })).statusCode).toBe(200);
    const notHere = await call(member.cookie, 'POST', url, { image: 'alpine:3.20' });
    expect(notHere.statusCode).toBe(400);
    expect(notHere.json().error.message).toBe(
      'Team Web allows machines only in DO, not in engine; choose one of those clouds.',
    );

    expect((await setTeam(webTeamId, { requiredTags: { env: [] } })).statusCode).toBe(200);
    const unlabelled = await call(member.cookie, 'POST', url, { image: 'alpine:3.20' });
    expect(unlabelled.statusCode).toBe(400);
    expect(unlabelled.json().error).toMatchObject({ field: 'body.labels.env' });

    const used = (await call(ownerCookie, 'GET', '/api/v1/limits'))
      .json()
      .items.find((s: { name: string }) => s.name === 'Web').usage.machines;
    expect((await setTeam(webTeamId, { maxMachines: used })).statusCode).toBe(200);
    const full = await call(member.cookie, 'POST', url, { image: 'alpine:3.20', labels: { env: 'x' } });
    expect(full.statusCode).toBe(409);
    expect(full.json().error.message).toMatch(
      /^Team Web may run at most \d+ machines; it runs \d+ and this would add 1/,
    );
    expect(sim.engine.containers.size).toBe(before);

    expect((await setTeam(webTeamId, { maxMachines: used + 1, requiredTags: { env: [] } })).statusCode).toBe(
      200,
    );
    const ok = await call(member.cookie, 'POST', url, { image: 'alpine:3.20', labels: { env: 'x' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(sim.engine.containers.size).toBe(before + 1);
  });
});

describe('the budget alert', () => {
  it("fires when a team's spend, or a tag's, passes a share of the budget, and names the figures", async () => {
    expect((await setTeam(webTeamId, { monthlyBudget: '40' })).statusCode).toBe(200);
    const org = started.owner.organizationId;
    const web = (await call(ownerCookie, 'GET', '/api/v1/limits'))
      .json()
      .items.find((s: { name: string }) => s.name === 'Web');
    const spend = Number(web.usage.monthly);
    expect(spend).toBeGreaterThan(20);
    const share = Math.round((spend / 40) * 10000) / 100;

    const team = { kind: 'budget' as const, teamId: webTeamId, percent: 50 };
    const [seen] = await observe(api.db, org, { kind: 'all' }, team, new Date());
    expect(seen).toMatchObject({ match: true, value: share });
    expect(seen?.detail).toContain(`${share}% of the 40 USD budget`);
    const [calm] = await observe(api.db, org, { kind: 'all' }, { ...team, percent: share + 1 }, new Date());
    expect(calm?.match).toBe(false);

    // A tag narrows the spend: no machine carries env=dev, so it stays under.
    const [tagged] = await observe(api.db, org, { kind: 'tag', key: 'env', value: 'dev' }, team, new Date());
    expect(tagged).toMatchObject({ match: false, value: 0 });

    // No budget, nothing observed: Ops has none.
    expect(await observe(api.db, org, { kind: 'all' }, { ...team, teamId: opsTeamId }, new Date())).toEqual(
      [],
    );

    // The rule is made through the api; it can only notify, and a foreign team is refused.
    const rule = await call(ownerCookie, 'POST', '/api/v1/rules', {
      name: 'Web over half its budget',
      target: { kind: 'all' },
      condition: team,
      actions: [{ kind: 'webhook' }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const foreign = await call(ownerCookie, 'POST', '/api/v1/rules', {
      name: 'someone else',
      target: { kind: 'all' },
      condition: { ...team, teamId: crypto.randomUUID() },
      actions: [{ kind: 'webhook' }],
    });
    expect(foreign.statusCode).toBe(404);
  });
});
