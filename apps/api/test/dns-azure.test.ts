import { type AzureSim, startAzureSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { memberCookie, send, startOrgApi, type TestApi } from './support/harness';

// An Azure subscription's DNS through the api to the Azure emulator and back: zones named by their
// ARM resource ids, record sets written through @azure/arm-dns, refusals in Azure's words.

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-0000000000d9';
const SUB = '00000000-0000-0000-0000-0000000000d9';
const SECRET = 'Q~dns.secret-value';
const RG = 'overcast-rg';

let api: TestApi;
let sim: AzureSim;
let cookie: string;
let viewer: string;
let cloudId: string;

const zoneId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnszones/${name}`;
const zones = () => `/api/v1/clouds/${cloudId}/dns/zones`;
const records = (name = 'example.com') => `${zones()}/${encodeURIComponent(zoneId(name))}/records`;
const set = (name: string, type: string) => sim.dns.zone(zoneId('example.com'))?.sets.get(`${type} ${name}`);

beforeAll(async () => {
  let owner: Awaited<ReturnType<typeof startOrgApi>>['owner'];
  [{ api, owner, ownerCookie: cookie }, sim] = await Promise.all([
    startOrgApi(),
    startAzureSim({
      principals: [{ tenantId: TENANT, clientId: CLIENT, secret: SECRET, subscriptions: [SUB] }],
      subscriptions: [{ id: SUB, vms: 2, resourceGroup: RG }],
      transitionMs: 20,
    }),
  ]);
  viewer = await memberCookie(api, owner.organizationId, 'viewer');
  const zone = sim.dns.addZone(SUB, RG, 'example.com');
  if ('status' in zone) throw new Error('the zone was refused');
  sim.dns.putSet(zone, 'A', 'www', { TTL: 300, ARecords: [{ ipv4Address: '203.0.113.10' }] }, {});
  cloudId = await addNetworkedCloud(api, cookie, {
    provider: 'azure',
    title: 'Azure with DNS',
    endpoint: sim.url,
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET },
    config: {
      subscriptionId: SUB,
      resourceGroup: RG,
      authorityHost: sim.url,
      caCertificate: sim.ca,
      pricesEndpoint: '',
    },
  });
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

describe('Azure DNS through the api', () => {
  it('lists the zones and their records, read live from Azure, its SOA and NS read-only', async () => {
    const listed = await send(api, cookie, 'GET', zones());
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toEqual([{ id: zoneId('example.com'), name: 'example.com', cloudId }]);
    const read = await send(api, cookie, 'GET', records());
    expect(read.statusCode, read.body).toBe(200);
    const items = read.json().items as Array<{ name: string; type: string; editable: boolean }>;
    expect(items).toContainEqual(
      expect.objectContaining({ name: 'www', type: 'A', value: '203.0.113.10', ttl: 300, editable: true }),
    );
    expect(items.filter((r) => r.type === 'NS')).toHaveLength(4);
    expect(items.find((r) => r.type === 'NS')).toMatchObject({ name: '@', editable: false });
    expect(items.find((r) => r.type === 'SOA')).toMatchObject({ editable: false });
  });

  it('adds, changes and deletes a record in Azure', async () => {
    const made = await send(api, cookie, 'POST', records(), {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mx1.example.com',
      priority: 10,
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ name: '@', type: 'MX', value: 'mx1.example.com', priority: 10 });
    expect(set('@', 'MX')?.records).toEqual([{ preference: 10, exchange: 'mx1.example.com' }]);

    const changed = await send(api, cookie, 'PATCH', `${records()}/${made.json().id}`, {
      value: 'mx2.example.com',
      ttl: 600,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(set('@', 'MX')).toMatchObject({
      ttl: 600,
      records: [{ preference: 10, exchange: 'mx2.example.com' }],
    });

    const gone = await send(api, cookie, 'DELETE', `${records()}/${changed.json().id}`);
    expect(gone.statusCode).toBe(204);
    expect(set('@', 'MX')).toBeUndefined();
  });

  it('adds an A record for a VM of the subscription, at its public address', async () => {
    const machines = await send(api, cookie, 'GET', `/api/v1/machines?cloud=${cloudId}`);
    const machine = (machines.json().items as Array<{ name: string; publicIps: string[] }>)[0]!;
    expect(machine.publicIps[0]).toMatch(/^127\./);
    const made = await send(api, cookie, 'POST', records(), {
      name: machine.name,
      type: 'A',
      ttl: 300,
      value: machine.publicIps[0],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(set(machine.name.toLowerCase(), 'A')?.records).toEqual([{ ipv4Address: machine.publicIps[0] }]);
  });

  it('makes a zone in the cloud’s resource group and deletes it with its records when forced', async () => {
    const made = await send(api, cookie, 'POST', zones(), { name: 'New-Zone.example.' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ id: zoneId('new-zone.example'), name: 'new-zone.example' });
    const added = await send(api, cookie, 'POST', records('new-zone.example'), {
      name: 'app',
      type: 'TXT',
      ttl: 300,
      value: 'hello',
    });
    expect(added.statusCode, added.body).toBe(201);
    const zone = `${zones()}/${encodeURIComponent(zoneId('new-zone.example'))}`;
    const refused = await send(api, cookie, 'DELETE', zone);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('dns_zone_not_empty');
    const forced = await send(api, cookie, 'DELETE', `${zone}?force=true`);
    expect(forced.statusCode, forced.body).toBe(204);
    expect(sim.dns.zone(zoneId('new-zone.example'))).toBeUndefined();
  });

  it('refuses bad input with a 4xx in Azure’s words or the field’s, and writes nothing', async () => {
    // A record beside a CNAME is Azure's refusal.
    const cname = await send(api, cookie, 'POST', records(), {
      name: 'alias',
      type: 'CNAME',
      ttl: 300,
      value: 'www.example.com',
    });
    expect(cname.statusCode, cname.body).toBe(201);
    const afterCname = JSON.stringify([...sim.dns.zone(zoneId('example.com'))!.sets]);
    const beside = await send(api, cookie, 'POST', records(), {
      name: 'alias',
      type: 'TXT',
      ttl: 300,
      value: 'x',
    });
    expect(beside.statusCode).toBe(409);
    expect(beside.json().error.message).toMatch(
      /CNAME record set with the same name 'alias' already exists in zone 'example.com'/,
    );
    const badIp = await send(api, cookie, 'POST', records(), {
      name: 'x',
      type: 'A',
      ttl: 300,
      value: 'nope',
    });
    expect(badIp.statusCode).toBe(400);
    const unknownZone = await send(api, cookie, 'GET', records('nowhere.example'));
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
    const twice = await send(api, cookie, 'POST', zones(), { name: 'example.com' });
    expect(twice.statusCode).toBe(409);
    expect(JSON.stringify([...sim.dns.zone(zoneId('example.com'))!.sets])).toBe(afterCname);
  });
});
