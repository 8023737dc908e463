// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDigitalOceanApi } from './support/clouds';
import { addMember, type TestApi } from './support/harness';

// The catalog and approvals: an admin publishes a template version to a team; its members
// deploy it with only the inputs (no right on templates), held to the quotas as one request;
// over a budget that asks for approval the deploy waits for an admin, who approves (deployed as
// the requester, the other limits held again) or rejects with a reason.

const TOKEN = 'do-token-catalog';
let started: Awaited<ReturnType<typeof startDigitalOceanApi>>;
let api: TestApi;
let ownerCookie: string;
let member: Awaited<ReturnType<typeof addMember>>;
let outsider: Awaited<ReturnType<typeof addMember>>;
let templateId: string;
let webTeamId: string;
let itemId: string;
let cloudId: string;

const call = async (who: string, method: string, url: string, payload?: unknown) => {
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    payload: payload as object,
    headers: { cookie: who },
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, raw: res.body };
};
const count = async (table: string) =>
  Number((await api.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
// Other test files share the database: rows of this file's organization only.
const countInOrg = async (table: string) =>
  Number(
    (
      await api.db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} WHERE organization_id = $1`,
        [started.owner.organizationId],
      )
    ).rows[0]?.n ?? 0,
  );
const droplets = () => started.sim.account(TOKEN).droplets.size;
const setWeb = (limits: object) => call(ownerCookie, 'PUT', `/api/v1/limits/teams/${webTeamId}`, limits);

// Two machines of a size chosen from a list: small is $6 a month each, large $24.
const SOURCE = `description: Two web servers
inputs:
  size:
    type: choice
    allowed: [s-1vcpu-1gb, s-2vcpu-4gb]
    default: s-1vcpu-1gb
  password:
    type: secret
    required: false
resources:
  machines:
    web:
      cloud: DO
      size: \${inputs.size}
      image: debian-12-x64
      location: fra1
      count: 2
steps:
  hello:
    on: [web]
    script: echo hello
`;
const SMALL = { size: 's-1vcpu-1gb' };
const LARGE = { size: 's-2vcpu-4gb', password: 'hunter2-secret' };

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 0);
  ({ api, ownerCookie } = started);
  const cloud = await call(ownerCookie, 'POST', '/api/v1/clouds', {
    provider: 'digitalocean',
    title: 'DO',
    credentials: { token: TOKEN },
    endpoint: started.sim.url,
  });
  cloudId = cloud.body.id;
  expect((await started.poll(cloudId, 'catalog')).status).toBe('ok');
  member = await addMember(api, started.owner.organizationId, 'member');
  outsider = await addMember(api, started.owner.organizationId, 'member');
  webTeamId = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: 'Web' })).body.id;
  await call(ownerCookie, 'PUT', `/api/v1/teams/${webTeamId}/members`, { userIds: [member.userId] });
  // The team may make machines and stacks, and nothing about templates.
  const policies = await call(ownerCookie, 'PUT', `/api/v1/teams/${webTeamId}/policies`, {
    policies: [
      { effect: 'allow', action: '*', kind: 'machines' },
      { effect: 'allow', action: '*', kind: 'stacks' },
      { effect: 'allow', action: 'read', kind: 'clouds' },
    ],
  });
  expect(policies.status, policies.raw).toBe(200);
  const template = await call(ownerCookie, 'POST', '/api/v1/templates', { name: 'web-pair', source: SOURCE });
  expect(template.status, template.raw).toBe(201);
  templateId = template.body.id;
});
afterAll(() => started?.close());

describe('a stack is one request to the quotas', () => {
  it('admits a stack that fits, holds its machines before they exist, and refuses the next whole', async () => {
    expect((await setWeb({ maxMachines: 3 })).status).toBe(200);
    const fits = await call(ownerCookie, 'POST', '/api/v1/stacks', {
      name: 'quota-one',
      templateId,
      inputs: SMALL,
    });
    // The owner is in no team: the team's quota does not bind them.
    expect(fits.status, fits.raw).toBe(201);
    const mine = await call(member.cookie, 'POST', '/api/v1/stacks', {
      name: 'quota-two',
      templateId,
      inputs: SMALL,
    });
    expect(mine.status, mine.raw).toBe(201);
    const [stacks, resources] = [await count('stacks'), await count('stack_resources')];
    const over = await call(member.cookie, 'POST', '/api/v1/stacks', {
      name: 'quota-three',
      templateId,
      inputs: SMALL,
    });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({
      code: 'quota_exceeded',
      message:
        'Team Web may run at most 3 machines; it runs 2 and this would add 2: at most 1 more fit, or ask an admin to raise the limit.',
    });
    expect(await count('stacks')).toBe(stacks);
    expect(await count('stack_resources')).toBe(resources);
    expect(droplets()).toBe(0);
    const audit = await api.db.prisma.auditEvent.findFirst({
      where: { action: 'stack.deploy', result: 'denied' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit?.details).toMatchObject({ name: 'quota-three', machines: 2 });
  });
});

describe('the catalog', () => {
  it('only owners and admins publish; bad input is a 400 and a foreign template or team a 404, writing nothing', async () => {
    const body = { templateId, name: 'Web pair', teamIds: [webTeamId] };
    expect((await call(member.cookie, 'POST', '/api/v1/catalog', body)).status).toBe(403);
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, teamIds: [] })).status).toBe(400);
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, name: 7 })).status).toBe(400);
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, name: 'a\u0000b' })).status).toBe(
      400,
    );
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, extra: 1 })).status).toBe(400);
    const foreign = crypto.randomUUID();
    expect(
      (await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, templateId: foreign })).status,
    ).toBe(404);
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, teamIds: [foreign] })).status).toBe(
      404,
    );
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', { ...body, version: 9 })).status).toBe(404);
    expect(await countInOrg('catalog_items')).toBe(0);
    const published = await call(ownerCookie, 'POST', '/api/v1/catalog', body);
    expect(published.status, published.raw).toBe(201);
    expect(published.body).toMatchObject({
      name: 'Web pair',
      templateVersion: 1,
      teams: [{ id: webTeamId, name: 'Web' }],
      machines: 2,
      inputs: { size: { type: 'choice' }, password: { type: 'secret' } },
    });
    itemId = published.body.id;
    expect((await call(ownerCookie, 'POST', '/api/v1/catalog', body)).status).toBe(409);
  });

  it("a team's member sees its items; anyone else sees none and gets 404 for them", async () => {
    expect((await call(member.cookie, 'GET', '/api/v1/templates')).status).toBe(403);
    const list = await call(member.cookie, 'GET', '/api/v1/catalog');
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([itemId]);
    expect((await call(outsider.cookie, 'GET', '/api/v1/catalog')).body.items).toEqual([]);
    expect((await call(outsider.cookie, 'GET', `/api/v1/catalog/${itemId}`)).status).toBe(404);
    const deploy = await call(outsider.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'sneaky',
    });
    expect(deploy.status).toBe(404);
    expect(
      (await call(member.cookie, 'POST', `/api/v1/catalog/${crypto.randomUUID()}/estimate`, {})).status,
    ).toBe(404);
  });

  it('shows the monthly cost and what remains of the budget, deploys within it and refuses over it', async () => {
    // Used so far: the member's stack of two small machines, still to be made ($12).
    expect((await setWeb({ monthlyBudget: '30' })).status).toBe(200);
    const estimate = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/estimate`, {
      inputs: SMALL,
    });
    expect(estimate.status, estimate.raw).toBe(200);
    expect(estimate.body).toEqual({
      monthly: '12.00',
      machines: 2,
      budgets: [{ name: 'Team Web', budget: '30.00', used: '12.00', remaining: '6.00' }],
      refusal: null,
      needsApproval: false,
    });
    const bad = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/estimate`, {
      inputs: { size: 'huge' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body.inputs.size');
    const deployed = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'cat-one',
      inputs: SMALL,
    });
    expect(deployed.status, deployed.raw).toBe(201);
    expect(deployed.body).toMatchObject({ name: 'cat-one', status: 'deploying', templateVersion: 1 });
    expect(deployed.body.resources).toHaveLength(2);
    const stacks = await count('stacks');
    const over = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'cat-two',
      inputs: LARGE,
    });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toBe(
      "Team Web's budget is $30.00 a month; its machines cost $24.00 and this stack would add $48.00: " +
        'at most $6.00 a month fits, or ask an admin to raise the limit.',
    );
    expect(await count('stacks')).toBe(stacks);
    expect(await countInOrg('deploy_requests')).toBe(0);
  });
});

describe('approval over budget', () => {
  let first: string;
  let second: string;

  it('keeps a deploy over budget as a pending request the requester follows, creating nothing', async () => {
    expect((await setWeb({ monthlyBudget: '30', overBudget: 'approval' })).status).toBe(200);
    const limits = await call(member.cookie, 'GET', '/api/v1/limits');
    expect(limits.body.items.find((s: { name: string }) => s.name === 'Web').limits.overBudget).toBe(
      'approval',
    );
    const estimate = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/estimate`, {
      inputs: LARGE,
    });
    expect(estimate.body).toMatchObject({ monthly: '48.00', needsApproval: true });
    const stacks = await count('stacks');
    const pending = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'cat-big',
      inputs: LARGE,
    });
    expect(pending.status, pending.raw).toBe(202);
    expect(pending.body).toMatchObject({
      status: 'pending',
      stackName: 'cat-big',
      catalogItemName: 'Web pair',
      stackId: null,
      inputs: { size: 's-2vcpu-4gb' },
    });
    expect(pending.body.refusal).toContain("Team Web's budget is $30.00 a month");
    // The secret input is kept sealed, never shown.
    expect(pending.raw).not.toContain('hunter2-secret');
    first = pending.body.id;
    expect(await count('stacks')).toBe(stacks);
    const mine = await call(member.cookie, 'GET', '/api/v1/deploy-requests');
    expect(mine.body.items.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [first, 'pending'],
    ]);
    expect((await call(outsider.cookie, 'GET', '/api/v1/deploy-requests')).body.items).toEqual([]);
    expect((await call(outsider.cookie, 'GET', `/api/v1/deploy-requests/${first}`)).status).toBe(404);
    // Constraints and other quotas are not sent for approval.
    expect((await setWeb({ monthlyBudget: '30', overBudget: 'approval', maxMachines: 4 })).status).toBe(200);
    const machines = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'cat-many',
      inputs: LARGE,
    });
    expect(machines.status).toBe(409);
    expect(machines.body.error.message).toMatch(/^Team Web may run at most 4 machines/);
  });

  it('only admins decide; a reason is required; an approval holds the other limits again', async () => {
    expect((await call(member.cookie, 'POST', `/api/v1/deploy-requests/${first}/approve`)).status).toBe(403);
    expect(
      (await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${crypto.randomUUID()}/approve`)).status,
    ).toBe(404);
    expect(
      (await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${first}/reject`, { reason: '' })).status,
    ).toBe(400);
    // The machine quota (4) now refuses what the budget's approval would let through.
    const refused = await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${first}/approve`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/^Team Web may run at most 4 machines; it runs 4/);
    const failed = await call(member.cookie, 'GET', `/api/v1/deploy-requests/${first}`);
    expect(failed.body).toMatchObject({ status: 'failed', stackId: null });
    expect(failed.body.error).toMatch(/at most 4 machines/);
    expect(await api.db.prisma.stack.count({ where: { name: 'cat-big' } })).toBe(0);
  });

  it('an approved request deploys as the requester, over the budget; a rejected one tells them why', async () => {
    expect((await setWeb({ monthlyBudget: '30', overBudget: 'approval' })).status).toBe(200);
    const again = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'cat-big',
      inputs: LARGE,
    });
    expect(again.status, again.raw).toBe(202);
    second = again.body.id;
    const approved = await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${second}/approve`);
    expect(approved.status, approved.raw).toBe(200);
    expect(approved.body).toMatchObject({ status: 'deployed', decidedBy: expect.any(String) });
    const stack = await api.db.prisma.stack.findUniqueOrThrow({ where: { id: approved.body.stackId } });
    expect(stack).toMatchObject({ name: 'cat-big', createdById: member.userId, overBudgetApproved: true });
    expect(stack.inputs).toEqual({ size: 's-2vcpu-4gb' });
    expect(stack.secretInputs).not.toContain('hunter2');
    expect(
      (await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${second}/approve`)).body.error.code,
    ).toBe('deploy_request_decided');

    const third = await call(member.cookie, 'POST', `/api/v1/catalog/${itemId}/deploy`, {
      name: 'cat-huge',
      inputs: LARGE,
    });
    expect(third.status).toBe(202);
    const rejected = await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${third.body.id}/reject`, {
      reason: 'Use the small size for now.',
    });
    expect(rejected.status, rejected.raw).toBe(200);
    const seen = await call(member.cookie, 'GET', `/api/v1/deploy-requests/${third.body.id}`);
    expect(seen.body).toMatchObject({ status: 'rejected', decisionReason: 'Use the small size for now.' });
    const actions = (
      await api.db.prisma.auditEvent.findMany({
        where: { action: { startsWith: 'deploy_request.' } },
        orderBy: { createdAt: 'asc' },
      })
    ).map((a) => a.action);
    expect(actions).toEqual([
      'deploy_request.create',
      'deploy_request.approve',
      'deploy_request.create',
      'deploy_request.approve',
      'deploy_request.create',
      'deploy_request.reject',
    ]);
  });

  it('a machine from the create form over the budget waits for an admin too, then is made as the requester', async () => {
    expect((await setWeb({ monthlyBudget: '30', overBudget: 'approval' })).status).toBe(200);
    const before = droplets();
    const body = {
      name: 'big-one',
      size: 's-2vcpu-4gb',
      image: 'debian-12-x64',
      location: 'fra1',
      postDeployScript: '#!/bin/sh\necho token=s3cret-value',
    };
    // The form says so before: over the budget, it goes to an admin.
    const estimate = await call(member.cookie, 'POST', `/api/v1/clouds/${cloudId}/machines/estimate`, {
      size: body.size,
      location: body.location,
    });
    expect(estimate.body).toMatchObject({ monthly: '24.00', needsApproval: true });
    const asked = await call(member.cookie, 'POST', `/api/v1/clouds/${cloudId}/machines`, body);
    expect(asked.status, asked.raw).toBe(202);
    expect(asked.body).toMatchObject({
      status: 'pending',
      stackName: null,
      templateVersion: null,
      machine: { cloudId, cloudTitle: 'DO', name: 'big-one', size: 's-2vcpu-4gb', location: 'fra1' },
      machineId: null,
    });
    expect(asked.body.refusal).toContain("Team Web's budget is $30.00 a month");
    // The script is kept sealed; nothing is made until an admin approves.
    expect(asked.raw).not.toContain('s3cret');
    const stored = await api.db.prisma.deployRequest.findUniqueOrThrow({ where: { id: asked.body.id } });
    expect(JSON.stringify(stored)).not.toContain('s3cret');
    expect(droplets()).toBe(before);
    expect(await api.db.prisma.machine.count({ where: { name: 'big-one' } })).toBe(0);
    const requests = await countInOrg('deploy_requests');

    // Another limit is not sent for approval: a size the team may not use is refused outright.
    expect(
      (await setWeb({ monthlyBudget: '30', overBudget: 'approval', allowedSizes: ['s-1vcpu-1gb'] })).status,
    ).toBe(200);
    const constrained = await call(member.cookie, 'POST', `/api/v1/clouds/${cloudId}/machines`, {
      ...body,
      name: 'big-two',
    });
    expect(constrained.status).toBe(400);
    expect(constrained.body.error.code).toBe('constraint_violated');
    expect(await countInOrg('deploy_requests')).toBe(requests);
    expect((await setWeb({ monthlyBudget: '30', overBudget: 'approval' })).status).toBe(200);

    expect(
      (await call(member.cookie, 'POST', `/api/v1/deploy-requests/${asked.body.id}/approve`)).status,
    ).toBe(403);
    const approved = await call(ownerCookie, 'POST', `/api/v1/deploy-requests/${asked.body.id}/approve`);
    expect(approved.status, approved.raw).toBe(200);
    expect(approved.body).toMatchObject({ status: 'deployed', machineId: expect.any(String) });
    const machine = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: approved.body.machineId } });
    expect(machine).toMatchObject({ name: 'big-one', createdById: member.userId, size: 's-2vcpu-4gb' });
    expect(droplets()).toBe(before + 1);
    const droplet = [...started.sim.account(TOKEN).droplets.values()].find((d) => d.name === 'big-one');
    expect(droplet?.userData).toContain('token=s3cret-value');
  });
});
