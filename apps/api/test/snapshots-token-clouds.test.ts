import { type HetznerSim, startHetznerSim, startVultrSim, type VultrSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { memberCookie, send, startOrgApi } from './support/harness';

// Snapshots and resizing through the api against the Hetzner Cloud and Vultr emulators: a
// snapshot taken, listed, reverted to in place and deleted; the resize dialog offered only the
// sizes the provider lets the machine move to, and a stopped machine resized.

let org: Awaited<ReturnType<typeof startOrgApi>>;
let viewer: string;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const at = (id: string, part: string) => `/api/v1/machines/${id}/${part}`;
const machineRow = (id: string) => org.api.db.prisma.machine.findUniqueOrThrow({ where: { id } });
const offered = async (id: string) =>
  (await call('GET', at(id, 'resize-options'))).json().sizes.map((s: { externalId: string }) => s.externalId);

/** Adds a cloud, polls its machines and catalog: its id and its machines by name. */
async function addCloud(body: object) {
  const res = await call('POST', '/api/v1/clouds', body);
  expect(res.statusCode, res.body).toBe(201);
  const cloudId: string = res.json().id;
  expect((await pollNow(org.api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(org.api, cloudId, 'catalog')).status).toBe('ok');
  const rows = await org.api.db.prisma.machine.findMany({ where: { cloudId }, orderBy: { name: 'asc' } });
  return { cloudId, rows };
}

/** Takes a snapshot named `name` through the api and returns the one item then listed. */
async function takeOne(machine: string, name: string) {
  expect((await call('POST', at(machine, 'snapshots'), { name })).statusCode).toBe(202);
  const list = (await call('GET', at(machine, 'snapshots'))).json();
  expect(list).toMatchObject({ canRevert: true, canDelete: true, revertNeeds: null });
  expect(list.items).toEqual([expect.objectContaining({ name, state: 'available' })]);
  expect(list.items[0].sizeGb).toBeGreaterThan(0);
  return list.items[0].id as string;
}

beforeAll(async () => {
  org = await startOrgApi();
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
}, 60_000);
afterAll(() => org?.api.close());

describe('Hetzner Cloud: snapshots by rebuild, resize by change_type', () => {
  const TOKEN = 'hz-token-snapshots';
  let sim: HetznerSim;
  let cloudId: string;
  let web0: { id: string; externalId: string };
  let web1: { id: string; externalId: string };
  const server = (m: { externalId: string }) => sim.project(TOKEN).server(Number(m.externalId));

  beforeAll(async () => {
    sim = await startHetznerSim({
      projects: [{ token: TOKEN, servers: 2, namePrefix: 'web' }],
      bootDelayMs: 0,
      actionDelayMs: 0,
    });
    let rows: { id: string; externalId: string }[];
    ({ cloudId, rows } = await addCloud({
      provider: 'hetzner',
      title: 'Hetzner',
      credentials: { token: TOKEN },
      endpoint: sim.url,
    }));
    [web0, web1] = rows as [typeof web0, typeof web1];
  }, 60_000);
  afterAll(() => sim?.close());

  it('takes a snapshot, lists it, rebuilds the server from it in place, and deletes it', async () => {
    expect((await call('GET', at(web0.id, 'snapshots'))).json().items).toEqual([]);
    const sid = await takeOne(web0.id, 'before-upgrade');
    expect(sim.project(TOKEN).images.get(Number(sid))).toMatchObject({
      type: 'snapshot',
      description: 'before-upgrade',
      created_from: { id: Number(web0.externalId) },
    });
    // Not the other server's, and not a viewer's to revert.
    expect((await call('POST', at(web1.id, `snapshots/${sid}/revert`))).statusCode).toBe(404);
    expect((await call('POST', at(web0.id, `snapshots/${sid}/revert`), undefined, viewer)).statusCode).toBe(
      403,
    );

    expect((await call('POST', at(web0.id, `snapshots/${sid}/revert`))).statusCode).toBe(204);
    expect(server(web0)).toMatchObject({ status: 'running', image: { id: Number(sid) } });
    const unknown = await call('POST', at(web0.id, 'snapshots/999/revert'));
    expect(unknown.json().error.code).toBe('snapshot_not_found');

    expect((await call('DELETE', at(web0.id, `snapshots/${sid}`))).statusCode).toBe(204);
    expect((await call('GET', at(web0.id, 'snapshots'))).json().items).toEqual([]);
    expect(sim.project(TOKEN).images.byId.size).toBe(0);
  });

  it('offers the types that fit the server; Hetzner refuses a running one in its words; resizes a stopped one', async () => {
    // web-000000 is a cx22 (x86, 40 GB) in Falkenstein, where the arm cax11 is also sold.
    const sizes = (await call('GET', `/api/v1/clouds/${cloudId}/sizes?location=fsn1`)).json();
    expect(sizes.items.map((s: { externalId: string }) => s.externalId)).toContain('cax11');
    expect((await offered(web0.id)).sort()).toEqual(['cpx11', 'cpx21', 'cx32']);
    expect((await call('POST', at(web0.id, 'resize'), { size: 'cax11' })).json().error.code).toBe(
      'size_not_offered',
    );

    // Overcast thinks it stopped; Hetzner knows it runs and says no.
    await org.api.db.prisma.machine.update({ where: { id: web0.id }, data: { state: 'stopped' } });
    const refused = await call('POST', at(web0.id, 'resize'), { size: 'cx32' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('server must be stopped before changing its type');
    expect(server(web0).type.name).toBe('cx22');

    server(web0).status = 'off';
    await pollNow(org.api, cloudId);
    expect((await call('POST', at(web0.id, 'resize'), { size: 'cx32' }, viewer)).statusCode).toBe(403);
    expect((await call('POST', at(web0.id, 'resize'), { size: 'cx32' })).statusCode).toBe(204);
    expect(server(web0)).toMatchObject({ type: { name: 'cx32' }, diskGb: 40 });
    await pollNow(org.api, cloudId);
    expect(await machineRow(web0.id)).toMatchObject({ size: 'cx32' });
    expect((await machineRow(web0.id)).costMonthly?.toString()).toBe('6.8');
    // Its disk was kept, so it can go back down.
    expect(await offered(web0.id)).toContain('cx22');
  });
});

describe('Vultr: snapshots marked with their instance, resize to the upgrades Vultr lists', () => {
  const TOKEN = 'vultr-token-snapshots';
  let sim: VultrSim;
  let cloudId: string;
  let first: { id: string; externalId: string };
  let second: { id: string; externalId: string };
  const instance = (m: { externalId: string }) => sim.account(TOKEN).instance(m.externalId);

  beforeAll(async () => {
    sim = await startVultrSim({
      accounts: [{ token: TOKEN, instances: 2, namePrefix: 'vu' }],
      bootDelayMs: 0,
      actionDelayMs: 0,
      rateLimit: { limit: 100_000, windowMs: 1_000 },
    });
    let rows: { id: string; externalId: string }[];
    ({ cloudId, rows } = await addCloud({
      provider: 'vultr',
      title: 'Vultr',
      credentials: { token: TOKEN },
      endpoint: sim.url,
    }));
    [first, second] = rows as [typeof first, typeof second];
  }, 60_000);
  afterAll(() => sim?.close());

  it('takes a snapshot, lists it for its instance only, restores the instance from it, and deletes it', async () => {
    const sid = await takeOne(first.id, 'before-upgrade');
    expect(sim.account(TOKEN).snapshots.get(sid).description).toBe(
      `before-upgrade (of instance ${first.externalId})`,
    );
    expect((await call('GET', at(second.id, 'snapshots'))).json().items).toEqual([]);
    expect((await call('DELETE', at(second.id, `snapshots/${sid}`))).statusCode).toBe(404);

    expect((await call('POST', at(first.id, `snapshots/${sid}/revert`))).statusCode).toBe(204);
    expect(instance(first)).toMatchObject({ restoredFrom: sid, serverStatus: 'ok' });

    expect((await call('DELETE', at(first.id, `snapshots/${sid}`), undefined, viewer)).statusCode).toBe(403);
    expect((await call('DELETE', at(first.id, `snapshots/${sid}`))).statusCode).toBe(204);
    expect((await call('GET', at(first.id, 'snapshots'))).json().items).toEqual([]);
    expect(sim.account(TOKEN).snapshots.byId.size).toBe(0);
  });

  it('offers only the upgrades Vultr lists and resizes a stopped instance', async () => {
    // vu-000001 is a vc2-1c-2gb in Chicago: the one larger plan there.
    expect(await offered(second.id)).toEqual(['vc2-2c-4gb']);
    const down = await call('POST', at(second.id, 'resize'), { size: 'vc2-1c-1gb' });
    expect(down.statusCode).toBe(400);
    expect(down.json().error.code).toBe('size_not_offered');

    const running = await call('POST', at(second.id, 'resize'), { size: 'vc2-2c-4gb' });
    expect(running.json().error.code).toBe('machine_must_be_stopped');
    instance(second).powerStatus = 'stopped';
    await pollNow(org.api, cloudId);
    expect((await call('POST', at(second.id, 'resize'), { size: 'vc2-2c-4gb' })).statusCode).toBe(204);
    expect(instance(second).plan.id).toBe('vc2-2c-4gb');
    await pollNow(org.api, cloudId);
    expect(await machineRow(second.id)).toMatchObject({ size: 'vc2-2c-4gb' });
    expect((await machineRow(second.id)).costMonthly?.toString()).toBe('20');
    expect(await offered(second.id)).toEqual([]);
  });
});
