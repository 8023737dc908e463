import { type Designate, type OpenStackSim, startOpenStackSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { memberCookie, send, startOrgApi, type TestApi } from './support/harness';

// An OpenStack project's DNS through the api to the emulator's Designate (its endpoint from the
// Keystone catalog) and back: zones by Designate's ids, awaited from PENDING to ACTIVE, records
// by their set and value; and a cloud whose catalog has no DNS service, which offers none.

let api: TestApi;
let sim: OpenStackSim;
let bare: OpenStackSim;
let designate: Designate;
let cookie: string;
let viewer: string;
let cloudId: string;
let bareId: string;
let zoneId: string;

const zones = (cloud = cloudId) => `/api/v1/clouds/${cloud}/dns/zones`;
const records = (zone = zoneId) => `${zones()}/${zone}/records`;
const stored = (name: string, type: string) =>
  [...designate.zone(zoneId).recordsets.values()].find((s) => s.name === name && s.type === type);
const cloudOn = (s: OpenStackSim, title: string) => ({
  provider: 'openstack',
  title,
  credentials: { username: 'ops', password: 'secret', projectName: 'work', userDomainName: 'Default' },
  config: { authUrl: s.authUrl, region: 'RegionOne' },
});

beforeAll(async () => {
  const options = {
    projects: [{ name: 'work', servers: 2, namePrefix: 'web' }],
    users: [{ name: 'ops', password: 'secret', projects: ['work'] }],
    bootDelayMs: 0,
    // Long enough to see a change PENDING through the api; a zone is awaited until ACTIVE.
    actionDelayMs: 1000,
  };
  let owner: Awaited<ReturnType<typeof startOrgApi>>['owner'];
  [{ api, owner, ownerCookie: cookie }, sim, bare] = await Promise.all([
    startOrgApi(),
    startOpenStackSim(options),
    startOpenStackSim({ ...options, dns: false }),
  ]);
  viewer = await memberCookie(api, owner.organizationId, 'viewer');
  designate = sim.project('work').designate;
  zoneId = designate.createZone({ name: 'example.com.', email: 'hostmaster@example.com' }).id;
  designate.createRecordset(zoneId, {
    name: 'www.example.com.',
    type: 'A',
    ttl: 300,
    records: ['203.0.113.10'],
  });
  cloudId = await addNetworkedCloud(api, cookie, cloudOn(sim, 'OpenStack with Designate'));
  bareId = await addNetworkedCloud(api, cookie, cloudOn(bare, 'OpenStack without Designate'));
}, 120_000);
afterAll(async () => {
  await Promise.all([sim?.close(), bare?.close()]);
  await api?.close();
});

describe('OpenStack DNS (Designate) through the api', () => {
  it('lists the zones and their records, read live from Designate, its SOA and NS read-only', async () => {
    const listed = await send(api, cookie, 'GET', zones());
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toEqual([{ id: zoneId, name: 'example.com', cloudId }]);
    const read = await send(api, cookie, 'GET', records());
    expect(read.statusCode, read.body).toBe(200);
    const items = read.json().items as Array<{ name: string; type: string; editable: boolean }>;
    expect(items).toContainEqual(
      expect.objectContaining({ name: 'www', type: 'A', value: '203.0.113.10', ttl: 300, editable: true }),
    );
    expect(items.find((r) => r.type === 'NS')).toMatchObject({ name: '@', editable: false });
    expect(items.find((r) => r.type === 'SOA')).toMatchObject({ editable: false });
  });

  it('answers a cloud whose catalog has no DNS service with a 400 that says so', async () => {
    const none = await send(api, cookie, 'GET', zones(bareId));
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({
      code: 'dns_not_offered',
      message:
        "OpenStack without Designate has no DNS: its service catalog names no DNS service (Designate). Ask the cloud's operators to enable it.",
    });
    const make = await send(api, cookie, 'POST', zones(bareId), { name: 'example.org' });
    expect(make.statusCode).toBe(400);
  });

  it('adds, changes and deletes a record at Designate', async () => {
    const made = await send(api, cookie, 'POST', records(), {
      name: '_sip._tcp',
      type: 'SRV',
      ttl: 3600,
      value: 'sip.example.com',
      priority: 10,
      weight: 5,
      port: 5060,
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({
      name: '_sip._tcp',
      type: 'SRV',
      value: 'sip.example.com',
      port: 5060,
    });
    expect(stored('_sip._tcp.example.com.', 'SRV')).toMatchObject({
      records: ['10 5 5060 sip.example.com.'],
      status: 'PENDING',
    });

    const changed = await send(api, cookie, 'PATCH', `${records()}/${made.json().id}`, {
      port: 5061,
      ttl: 600,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(stored('_sip._tcp.example.com.', 'SRV')).toMatchObject({
      ttl: 600,
      records: ['10 5 5061 sip.example.com.'],
    });

    const gone = await send(api, cookie, 'DELETE', `${records()}/${changed.json().id}`);
    expect(gone.statusCode).toBe(204);
    const after = await send(api, cookie, 'GET', records());
    expect((after.json().items as Array<{ type: string }>).some((r) => r.type === 'SRV')).toBe(false);
  });

  it('makes a zone, awaited until Designate serves it, and deletes it', async () => {
    const made = await send(api, cookie, 'POST', zones(), { name: 'new-zone.example' });
    expect(made.statusCode, made.body).toBe(201);
    expect(designate.zone(made.json().id)).toMatchObject({ status: 'ACTIVE', name: 'new-zone.example.' });
    const gone = await send(api, cookie, 'DELETE', `${zones()}/${made.json().id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expect(designate.zones.has(made.json().id)).toBe(false);
  });

  it('refuses bad input with a 4xx in Designate’s words or the field’s, and writes nothing', async () => {
    const count = designate.zone(zoneId).recordsets.size;
    const beside = await send(api, cookie, 'POST', records(), {
      name: 'www',
      type: 'CNAME',
      ttl: 300,
      value: 'example.net',
    });
    expect(beside.statusCode).toBe(422);
    expect(beside.json().error.message).toMatch(
      /CNAME recordsets may not share a name with any other records$/,
    );
    const badIp = await send(api, cookie, 'POST', records(), {
      name: 'x',
      type: 'A',
      ttl: 300,
      value: 'nope',
    });
    expect(badIp.statusCode).toBe(400);
    const unknownZone = await send(api, cookie, 'GET', records('00000000-0000-4000-8000-000000000000'));
    expect(unknownZone.statusCode).toBe(404);
    const byViewer = await send(api, viewer, 'POST', records(), {
      name: 'v',
      type: 'A',
      ttl: 300,
      value: '198.51.100.2',
    });
    expect(byViewer.statusCode).toBe(403);
    const twice = await send(api, cookie, 'POST', zones(), { name: 'example.com' });
    expect(twice.statusCode).toBe(409);
    expect(designate.zone(zoneId).recordsets.size).toBe(count);
  });
});
