import type { DigitalOceanSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCloudRefused, startDigitalOceanApi } from './support/clouds';
import { createOrgWithUser, login, type TestApi, type TestUser, watchStream } from './support/harness';

let api: TestApi;
let sim: DigitalOceanSim;
let owner: TestUser;
let cookie: string;
let stranger: string;
let started: Awaited<ReturnType<typeof startDigitalOceanApi>> | undefined;
let poll: NonNullable<typeof started>['poll'];
const TOKEN = 'do-token-clouds-test';

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 30);
  ({ api, owner, ownerCookie: cookie, sim, poll } = started);
  stranger = await login(api, await createOrgWithUser(api.db));
});
afterAll(() => started?.close());

const call = (method: string, url: string, payload?: unknown, as = cookie) =>
  api.app.inject({ method: method as 'GET', url, payload: payload as object, headers: { cookie: as } });

async function addCloud(title: string, token = TOKEN) {
  return call('POST', '/api/v1/clouds', {
    provider: 'digitalocean',
    title,
    credentials: { token },
    endpoint: sim.url,
  });
}

const machinesOf = (cloudId: string) =>
  api.db.prisma.machine.findMany({ where: { cloudId }, orderBy: { id: 'asc' } });

describe('clouds', () => {
  it("a wrong token is a 422 with DigitalOcean's words, and nothing is saved", async () => {
    const res = await addCloud('bad', 'not-a-real-token');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(
      /DigitalOcean refused the credentials.*Unable to authenticate you/,
    );
    expect(await api.db.prisma.cloud.count({ where: { organizationId: owner.organizationId } })).toBe(0);
  });

  it('missing or wrongly typed credentials are a 400 naming the field', async () => {
    const add = (body: object) => call('POST', '/api/v1/clouds', body);
    await expectCloudRefused(
      add,
      { provider: 'aws', credentials: { accessKeyId: 'A' } },
      'credentials.secretAccessKey',
    );
    await expectCloudRefused(
      add,
      { provider: 'digitalocean', credentials: { token: 5 } },
      'credentials.token',
    );
  });

  it('adds a cloud: credentials are sealed at rest and never returned', async () => {
    const res = await addCloud('Production DO');
    expect(res.statusCode).toBe(201);
    const cloud = res.json();
    expect(cloud).toMatchObject({
      provider: 'digitalocean',
      title: 'Production DO',
      enabled: true,
      pollStatus: 'pending',
    });
    expect(JSON.stringify(cloud)).not.toContain(TOKEN);
    expect(cloud.credentials).toBeUndefined();
    const row = await api.db.prisma.cloud.findUniqueOrThrow({ where: { id: cloud.id } });
    expect(Buffer.from(row.credentials).toString('latin1')).not.toContain(TOKEN);
    const list = await call('GET', '/api/v1/clouds');
    expect(JSON.stringify(list.json())).not.toContain(TOKEN);
    expect((await addCloud('Production DO')).statusCode).toBe(409);
  });

  it('a poll brings machines, volumes and the catalog; the list filters, sorts and pages', async () => {
    const cloud = (await addCloud('Inventory DO')).json();
    expect((await poll(cloud.id)).status).toBe('ok');
    expect((await poll(cloud.id, 'catalog')).status).toBe('ok');
    const first = (await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=10&sort=name`)).json();
    expect(first.total).toBe(30);
    expect(first.items).toHaveLength(10);
    expect(first.items[0]).toMatchObject({
      cloudId: cloud.id,
      cloudTitle: 'Inventory DO',
      provider: 'digitalocean',
    });
    expect(first.items[0].costMonthly).toMatch(/^\d+\.\d{2}$/);
    const names: string[] = first.items.map((m: { name: string }) => m.name);
    expect([...names].sort()).toEqual(names);
    let cursor = first.nextCursor;
    const seen = new Set(names);
    while (cursor) {
      const page = (
        await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=10&sort=name&cursor=${cursor}`)
      ).json();
      for (const m of page.items) seen.add(m.name);
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(30);
    const one = first.items[0];
    const search = (await call('GET', `/api/v1/machines?q=${encodeURIComponent(one.publicIps[0])}`)).json();
    expect(search.items.map((m: { id: string }) => m.id)).toContain(one.id);
    const sizes = (await call('GET', `/api/v1/clouds/${cloud.id}/sizes`)).json();
    expect(sizes.items.length).toBeGreaterThan(0);
    expect(sizes.items[0].priceMonthly).toMatch(/^\d+\.\d{2}$/);
    const costs = (await call('GET', '/api/v1/costs/summary')).json();
    expect(Number(costs.totalMonthly)).toBeGreaterThan(0);
    expect(costs.byCloud.find((c: { cloudId: string }) => c.cloudId === cloud.id).machines).toBe(30);
  });

  it('a provider failing mid-poll leaves the inventory untouched and the error visible', async () => {
    const cloud = (await addCloud('Flaky DO')).json();
    await poll(cloud.id);
    const before = await machinesOf(cloud.id);
    sim.knobs.burst({ status: 500, count: 50 });
    const outcome = await poll(cloud.id);
    sim.knobs.clearFaults();
    expect(outcome.status).toBe('error');
    expect(await machinesOf(cloud.id)).toEqual(before);
    const shown = (await call('GET', `/api/v1/clouds/${cloud.id}`)).json();
    expect(shown.pollStatus).toBe('error');
    expect(shown.lastError).toMatch(/DigitalOcean/);
    expect((await poll(cloud.id)).status).toBe('ok');
    const healed = (await call('GET', `/api/v1/clouds/${cloud.id}`)).json();
    expect(healed).toMatchObject({ pollStatus: 'ok', lastError: null });
  });

  it('a provider failing on a later page of a poll writes nothing of the pages before it', async () => {
    const cloud = (await addCloud('Paged DO')).json();
    // Pages of 10, one at a time, one attempt each: the listing streams page by page.
    await api.db.prisma.cloud.update({
      where: { id: cloud.id },
      data: { config: { perPage: 10, pageConcurrency: 1, retryAttempts: 1 } },
    });
    expect(await poll(cloud.id)).toMatchObject({ status: 'ok', seen: 30 });
    const before = await machinesOf(cloud.id);
    const events = await api.db.prisma.machineEvent.count({
      where: { organizationId: owner.organizationId },
    });
    // Pages 1 and 2 answer; page 3 fails. The 20 machines listed must not make the other 10 missing.
    sim.knobs.burst({ status: 500, count: 5, after: 2 });
    const outcome = await poll(cloud.id);
    sim.knobs.clearFaults();
    expect(outcome.status).toBe('error');
    expect(await machinesOf(cloud.id)).toEqual(before);
    expect(await api.db.prisma.machineEvent.count({ where: { organizationId: owner.organizationId } })).toBe(
      events,
    );
    expect(await poll(cloud.id)).toMatchObject({ status: 'ok', seen: 30, changes: 0 });
  });

  it('a machine changed at the provider shows in its history; stop goes through the provider', async () => {
    const cloud = (await addCloud('Actions DO')).json();
    await poll(cloud.id);
    const machine = (await call('GET', `/api/v1/machines?cloud=${cloud.id}&state=running&limit=1`)).json()
      .items[0];
    const res = await call('POST', `/api/v1/machines/${machine.id}/actions`, { action: 'stop' });
    expect(res.statusCode).toBe(202);
    await poll(cloud.id);
    const detail = (await call('GET', `/api/v1/machines/${machine.id}`)).json();
    expect(detail.machine.state).toBe('stopped');
    const history: { id: string; kind: string; createdAt: string }[] = detail.history;
    expect(history.map((e) => e.kind)).toEqual(expect.arrayContaining(['action', 'state_changed']));
    // Newest first, down to when the first poll found it: the row's own creation time.
    const found = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: machine.id } });
    expect(history.at(-1)).toEqual({
      id: 'first-seen',
      kind: 'created',
      data: {},
      createdAt: found.createdAt.toISOString(),
    });
    expect(history.filter((e) => e.kind === 'created')).toHaveLength(1);
    expect(detail.extra).toBeTypeOf('object');
    const audit = await api.db.prisma.auditEvent.findFirst({
      where: { action: 'machine.stop', resourceId: machine.id },
    });
    expect(audit?.actorUserId).toBe(owner.userId);
  });

  it('tags: set, filter by, and a cost_per_month tag re-prices the machine', async () => {
    const cloud = (await addCloud('Tags DO')).json();
    await poll(cloud.id);
    const machine = (await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=1`)).json().items[0];
    expect(
      (
        await call('POST', `/api/v1/machines/${machine.id}/tags`, {
          tags: { team: 'payments', cost_per_month: '99' },
        })
      ).statusCode,
    ).toBe(204);
    const tagged = (await call('GET', `/api/v1/machines?tag=team=payments`)).json();
    expect(tagged.items.map((m: { id: string }) => m.id)).toEqual([machine.id]);
    expect(tagged.items[0].costMonthly).toBe('99.00');
    await poll(cloud.id);
    expect((await call('GET', `/api/v1/machines/${machine.id}`)).json().machine.costMonthly).toBe('99.00');
    expect(
      (await call('POST', `/api/v1/machines/${machine.id}/tags`, { tags: { cost_per_month: 'lots' } }))
        .statusCode,
    ).toBe(400);
    expect((await call('DELETE', `/api/v1/machines/${machine.id}/tags/team`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/v1/machines/${machine.id}/tags/team`)).statusCode).toBe(404);
  });

  it("another organization's ids are 404, and its lists do not show ours", async () => {
    const cloud = (await addCloud('Private DO')).json();
    await poll(cloud.id);
    const machine = (await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=1`)).json().items[0];
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/clouds/${cloud.id}`],
      ['PATCH', `/api/v1/clouds/${cloud.id}`, { title: 'stolen' }],
      ['DELETE', `/api/v1/clouds/${cloud.id}?confirm=Private%20DO`],
      ['POST', `/api/v1/clouds/${cloud.id}/refresh`],
      ['GET', `/api/v1/clouds/${cloud.id}/sizes`],
      ['GET', `/api/v1/machines/${machine.id}`],
      ['POST', `/api/v1/machines/${machine.id}/actions`, { action: 'reboot' }],
      ['POST', `/api/v1/machines/${machine.id}/tags`, { tags: { a: 'b' } }],
      ['POST', `/api/v1/clouds/${cloud.id}/machines`, { name: 'x', size: 's', image: 'i', location: 'l' }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(method, url, body, stranger);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await call('GET', `/api/v1/machines?cloud=${cloud.id}`, undefined, stranger)).json().total).toBe(
      0,
    );
    expect((await call('GET', '/api/v1/clouds', undefined, stranger)).json().items).toEqual([]);
    expect((await call('GET', `/api/v1/clouds/${cloud.id}`)).json().title).toBe('Private DO');
  });

  it('delete needs the typed title, then takes the inventory with it', async () => {
    const cloud = (await addCloud('Doomed DO')).json();
    await poll(cloud.id);
    const wrong = await call('DELETE', `/api/v1/clouds/${cloud.id}?confirm=nope`);
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.message).toContain('Doomed DO');
    expect((await call('DELETE', `/api/v1/clouds/${cloud.id}?confirm=Doomed%20DO`)).statusCode).toBe(204);
    expect(await api.db.prisma.machine.count({ where: { cloudId: cloud.id } })).toBe(0);
  });
});

describe('live events', () => {
  it('reach the WebSocket of the organization, and only that one', async () => {
    const cloud = (await addCloud('Live DO')).json();
    await poll(cloud.id);
    const ours = await watchStream(api, cookie);
    const theirs = await watchStream(api, stranger);
    const [received, leaked] = [ours.events, theirs.events];
    await new Promise((r) => setTimeout(r, 200));
    const droplet = sim
      .account(TOKEN)
      .listDroplets()
      .find((d) => d.status === 'active')!;
    sim.account(TOKEN).mutateDroplet(droplet.id, { status: 'off' });
    await poll(cloud.id);
    const deadline = Date.now() + 3000;
    while (
      !received.some((e) => (e as { kind?: string }).kind === 'state_changed') &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(received).toContainEqual(
      expect.objectContaining({
        type: 'machine.changed',
        cloudId: cloud.id,
        kind: 'state_changed',
        data: { from: 'running', to: 'stopped' },
      }),
    );
    expect(leaked.filter((e) => (e as { type: string }).type !== 'hello')).toEqual([]);
    ours.close();
    theirs.close();
  });

  it('refuses a stream without a session', async () => {
    await expect(api.app.injectWS('/api/v1/stream')).rejects.toThrow();
  });
});
