import { type HetznerSim, startHetznerSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { memberCookie, send, startOrgApi, type TestApi } from './support/harness';

// A Hetzner Cloud project's DNS through the api to the Hetzner emulator and back: the same routes
// as every DNS provider, zones named by Hetzner's numeric zone ids, records by their set and value.

let api: TestApi;
let sim: HetznerSim;
let cookie: string;
let viewer: string;
let cloudId: string;
const TOKEN = 'hz-dns-token';

const zone = () => sim.project(TOKEN).dns.zone('example.com');
const records = () => `/api/v1/clouds/${cloudId}/dns/zones/${zone().id}/records`;
const sets = () => zone().rrsets;

beforeAll(async () => {
  let owner: Awaited<ReturnType<typeof startOrgApi>>['owner'];
  ({ api, owner, ownerCookie: cookie } = await startOrgApi());
  viewer = await memberCookie(api, owner.organizationId, 'viewer');
  sim = await startHetznerSim({
    projects: [{ token: TOKEN, servers: 2, namePrefix: 'web' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  sim.project(TOKEN).dns.createZone({ name: 'example.com' });
  sim.project(TOKEN).dns.createZone({ name: 'mirror.example', mode: 'secondary' });
  sim.project(TOKEN).dns.createRrset('example.com', {
    name: 'www',
    type: 'A',
    ttl: 300,
    records: [{ value: '203.0.113.10' }],
  });
  cloudId = await addNetworkedCloud(api, cookie, {
    provider: 'hetzner',
    title: 'Hetzner with DNS',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

describe('Hetzner Cloud DNS through the api', () => {
  it('lists the zones and their records, read live from Hetzner, its SOA and NS read-only', async () => {
    const zones = await send(api, cookie, 'GET', `/api/v1/clouds/${cloudId}/dns/zones`);
    expect(zones.statusCode).toBe(200);
    expect(
      zones
        .json()
        .items.map((z: { name: string }) => z.name)
        .sort(),
    ).toEqual(['example.com', 'mirror.example']);
    const listed = await send(api, cookie, 'GET', records());
    expect(listed.statusCode).toBe(200);
    const items = listed.json().items as Array<{ name: string; type: string; editable: boolean }>;
    expect(items).toContainEqual(
      expect.objectContaining({ name: 'www', type: 'A', value: '203.0.113.10', ttl: 300, editable: true }),
    );
    expect(items.find((r) => r.type === 'NS')).toMatchObject({ name: '@', editable: false });
  });

  it('adds, changes and deletes a record at Hetzner', async () => {
    const made = await send(api, cookie, 'POST', records(), {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mx1.example.com',
      priority: 10,
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ name: '@', type: 'MX', value: 'mx1.example.com', priority: 10 });
    expect(sets().get('@/MX')?.records).toEqual([{ value: '10 mx1.example.com.', comment: '' }]);

    const changed = await send(api, cookie, 'PATCH', `${records()}/${made.json().id}`, {
      value: 'mx2.example.com',
      ttl: 600,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: '@', type: 'MX', value: 'mx2.example.com', ttl: 600 });
    expect(sets().get('@/MX')).toMatchObject({ ttl: 600, records: [{ value: '10 mx2.example.com.' }] });

    const gone = await send(api, cookie, 'DELETE', `${records()}/${changed.json().id}`);
    expect(gone.statusCode).toBe(204);
    expect(sets().has('@/MX')).toBe(false);
  });

  it('adds an A record for a machine of the project, at its public address', async () => {
    const machines = await send(api, cookie, 'GET', `/api/v1/machines?cloud=${cloudId}`);
    const machine = (machines.json().items as Array<{ name: string; publicIps: string[] }>).find(
      (m) => m.name === 'web-000000',
    )!;
    expect(machine.publicIps[0]).toMatch(/^127\./);
    const made = await send(api, cookie, 'POST', records(), {
      name: machine.name,
      type: 'A',
      ttl: 300,
      value: machine.publicIps[0],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(sets().get('web-000000/A')?.records).toEqual([{ value: machine.publicIps[0], comment: '' }]);
  });

  it('refuses bad input with a 4xx in Hetzner’s words or the field’s, and writes nothing', async () => {
    const before = JSON.stringify([...sets()]);
    // Overcast takes a TTL of 30 seconds; Hetzner's lowest is 60, and it says so.
    const shortTtl = await send(api, cookie, 'POST', records(), {
      name: 'fast',
      type: 'A',
      ttl: 30,
      value: '198.51.100.9',
    });
    expect(shortTtl.statusCode).toBe(422);
    expect(shortTtl.json().error.message).toMatch(/invalid input in field 'ttl'.*between 60/);
    const longTxt = await send(api, cookie, 'POST', records(), {
      name: 'long',
      type: 'TXT',
      ttl: 300,
      value: 'x'.repeat(300),
    });
    expect(longTxt.statusCode).toBe(400);
    const badIp = await send(api, cookie, 'POST', records(), {
      name: 'x',
      type: 'A',
      ttl: 300,
      value: 'nope',
    });
    expect(badIp.statusCode).toBe(400);
    const nul = await send(api, cookie, 'POST', records(), {
      name: 'a\u0000b',
      type: 'A',
      ttl: 300,
      value: '198.51.100.1',
    });
    expect(nul.statusCode).toBe(400);
    const unknownZone = await send(
      api,
      cookie,
      'GET',
      `/api/v1/clouds/${cloudId}/dns/zones/999999999/records`,
    );
    expect(unknownZone.statusCode).toBe(404);
    const notOurs = await send(api, cookie, 'DELETE', `${records()}/not-a-record`);
    expect(notOurs.statusCode).toBe(404);
    const byViewer = await send(api, viewer, 'POST', records(), {
      name: 'v',
      type: 'A',
      ttl: 300,
      value: '198.51.100.2',
    });
    expect(byViewer.statusCode).toBe(403);
    expect(JSON.stringify([...sets()])).toBe(before);

    const secondary = sim.project(TOKEN).dns.zone('mirror.example');
    const refused = await send(
      api,
      cookie,
      'POST',
      `/api/v1/clouds/${cloudId}/dns/zones/${secondary.id}/records`,
      {
        name: 'www',
        type: 'A',
        ttl: 300,
        value: '198.51.100.3',
      },
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toBe(
      "Hetzner Cloud refused adding the A record www to mirror.example: This operation is not supported for this Zone's mode",
    );
    expect(secondary.rrsets.size).toBe(0);
  });
});
