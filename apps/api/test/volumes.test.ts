import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWithUser, login, startTestApi, type TestApi, type TestUser } from './support/harness';

// The volume list is paged, searchable and filterable, in one state vocabulary whatever the
// provider; a list filter given a value it does not know says which values it knows.

let api: TestApi;
let owner: TestUser;
let cookie: string;
let otherCookie: string;
let awsCloudId: string;
let gceCloudId: string;
let webMachineId: string;

const get = (url: string, as = cookie) => api.app.inject({ method: 'GET', url, headers: { cookie: as } });

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' });
  owner = await createOrgWithUser(api.db);
  cookie = await login(api, owner);
  otherCookie = await login(api, await createOrgWithUser(api.db));
  const organizationId = owner.organizationId;
  const cloud = (provider: 'aws' | 'gce', title: string) =>
    api.db.prisma.cloud.create({
      data: { organizationId, provider, title, credentials: Buffer.from('x'), enabled: false },
    });
  awsCloudId = (await cloud('aws', `aws-${randomBytes(3).toString('hex')}`)).id;
  gceCloudId = (await cloud('gce', `gce-${randomBytes(3).toString('hex')}`)).id;
  webMachineId = (
    await api.db.prisma.machine.create({
      data: { organizationId, cloudId: awsCloudId, externalId: 'i-web', name: 'web', state: 'running' },
    })
  ).id;
  // 120 EC2 volumes (every 3rd attached to "web") and 5 Compute Engine disks.
  await api.db.prisma.volume.createMany({
    data: [
      ...Array.from({ length: 120 }, (_, i) => ({
        organizationId,
        cloudId: awsCloudId,
        externalId: `vol-${String(i).padStart(3, '0')}`,
        name: `data-${String(i).padStart(3, '0')}`,
        sizeGb: 10,
        state: i % 3 === 0 ? 'in-use' : 'available',
        rawState: i % 3 === 0 ? 'in-use' : 'available',
        attachedTo: i % 3 === 0 ? ['i-web'] : [],
      })),
      ...Array.from({ length: 5 }, (_, i) => ({
        organizationId,
        cloudId: gceCloudId,
        externalId: `us-central1-a/disk-${i}`,
        name: `disk-${i}`,
        sizeGb: 100,
        state: i === 0 ? 'creating' : 'available',
        rawState: i === 0 ? 'CREATING' : 'READY',
      })),
    ],
  });
});
afterAll(() => api.close());

describe('volume list', () => {
  it('comes a page at a time, in name order, with totals over every match', async () => {
    const first = (await get('/api/v1/volumes?limit=50')).json();
    expect(first.items).toHaveLength(50);
    expect(first.items[0].name).toBe('data-000');
    expect(first).toMatchObject({ total: 125, totalSizeGb: 120 * 10 + 5 * 100, attached: 40 });
    const last = (await get('/api/v1/volumes?limit=50&offset=100')).json();
    expect(last.items.map((v: { name: string }) => v.name)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `data-${100 + i}`),
      ...Array.from({ length: 5 }, (_, i) => `disk-${i}`),
    ]);
    expect(last.total).toBe(125);
  });

  it('finds volumes by name or id, by state, by cloud and by the machine they are attached to', async () => {
    const byName = (await get('/api/v1/volumes?q=DATA-11')).json();
    expect(byName.items.map((v: { name: string }) => v.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `data-${110 + i}`),
    );
    expect((await get('/api/v1/volumes?q=vol-007')).json().items[0].name).toBe('data-007');
    // A % in the search is a character, not a wildcard.
    expect((await get('/api/v1/volumes?q=%25')).json().total).toBe(0);

    const inUse = (await get('/api/v1/volumes?state=in-use&limit=500')).json();
    expect(inUse.total).toBe(40);
    expect(inUse.items.every((v: { state: string }) => v.state === 'in-use')).toBe(true);

    const gce = (await get(`/api/v1/volumes?cloud=${gceCloudId}`)).json();
    expect(gce.total).toBe(5);
    // One vocabulary, and the provider's own word beside it.
    expect(gce.items[0]).toMatchObject({ name: 'disk-0', state: 'creating', rawState: 'CREATING' });
    expect(gce.items[1]).toMatchObject({ state: 'available', rawState: 'READY' });

    const onWeb = (await get(`/api/v1/volumes?machine=${webMachineId}&limit=500`)).json();
    expect(onWeb.total).toBe(40);
    expect(onWeb.items[0].attachedTo).toEqual([
      { externalId: 'i-web', machineId: webMachineId, name: 'web' },
    ]);
  });

  it("shows another organization's volumes to no one", async () => {
    const theirs = (await get('/api/v1/volumes', otherCookie)).json();
    expect(theirs).toMatchObject({ items: [], total: 0 });
    expect((await get(`/api/v1/volumes?machine=${webMachineId}`, otherCookie)).json().total).toBe(0);
  });

  it('answers bad paging and filters with a 400 that says what is allowed', async () => {
    for (const [query, message] of [
      ['limit=0', /limit must be >= 1/],
      ['limit=501', /limit must be <= 500/],
      ['offset=-1', /offset must be >= 0/],
      ['cloud=nope', /cloud must match format "uuid"/],
      ['state=bogus', /state must be one of: available, in-use, creating, deleting, error, unknown, missing/],
      ['sort=name', /unknown field "sort"/],
    ] as const) {
      const res = await get(`/api/v1/volumes?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toMatch(message);
    }
  });
});

describe('list filters', () => {
  it('name the allowed machine states when given one they do not know', async () => {
    const res = await get('/api/v1/machines?state=bogus');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      'querystring.state must be one of: pending, running, stopped, rebooting, terminated, error, unknown, missing.',
    );
  });
});
