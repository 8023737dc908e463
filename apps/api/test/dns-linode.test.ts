import { type LinodeSim, startLinodeSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startOrgApi, type TestApi } from './support/harness';

// A Linode cloud's DNS through the api to the Linode emulator and back: the same routes as every
// DNS provider, zones named by Linode's numeric domain ids.

let api: TestApi;
let sim: LinodeSim;
let cookie: string;
let cloudId: string;
const TOKEN = 'li-dns-token';

const domain = () =>
  sim
    .account(TOKEN)
    .dns.list()
    .find((d) => d.domain === 'example.com')!;
const records = () => `/api/v1/clouds/${cloudId}/dns/zones/${domain().id}/records`;

beforeAll(async () => {
  ({ api, ownerCookie: cookie } = await startOrgApi());
  sim = await startLinodeSim({ accounts: [{ token: TOKEN, domains: ['example.com', 'second.example'] }] });
  sim
    .account(TOKEN)
    .dns.createRecord(domain(), { type: 'A', name: 'www', target: '203.0.113.10', ttl_sec: 300 });
  const res = await send(api, cookie, 'POST', '/api/v1/clouds', {
    provider: 'linode',
    title: 'Linode with DNS',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
  expect(res.statusCode).toBe(201);
  cloudId = res.json().id;
});
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

describe('Linode DNS through the api', () => {
  it('lists the zones and their records, read live from Linode', async () => {
    const zones = await send(api, cookie, 'GET', `/api/v1/clouds/${cloudId}/dns/zones`);
    expect(zones.statusCode).toBe(200);
    expect(zones.json().items.map((z: { name: string }) => z.name)).toEqual([
      'example.com',
      'second.example',
    ]);
    expect(zones.json().items[0].id).toBe(String(domain().id));

    const listed = await send(api, cookie, 'GET', records());
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ name: 'www', type: 'A', value: '203.0.113.10', ttl: 300, editable: true }),
    ]);
  });

  it('adds a record at Linode, and passes on Linode’s refusal as a 422 in its words, writing nothing', async () => {
    const made = await send(api, cookie, 'POST', records(), {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mx1.example.com',
      priority: 10,
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ name: '@', type: 'MX', value: 'mx1.example.com', priority: 10 });
    expect(domain().records.get(Number(made.json().id))).toMatchObject({
      name: '',
      target: 'mx1.example.com',
    });

    const before = domain().records.size;
    const refused = await send(api, cookie, 'POST', records(), {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mx2.example.com',
      priority: 1000,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toMatch(/priority: Must be between 0 and 255/);
    expect(domain().records.size).toBe(before);
  });
});
