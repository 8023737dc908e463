// Designate through the OpenStack driver on the emulator, its endpoint taken from the Keystone
// catalog, in pages of two: zones awaited from PENDING to ACTIVE, record sets of each type as
// Designate stores them, Designate's refusals in its words, and a cloud whose catalog has no DNS.

import { type DnsDriver, isDnsDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type Designate, type OpenStackSim, startOpenStackSim } from '../../../cloud-sim/src/openstack/index';
import { createEachAsAsked, EACH_TYPE } from '../common/test-support/dns-records';
import { pagesOfTwo } from '../common/test-support/network-driver';
import { createOpenStackDriver } from './index';

const DELAY_MS = 400;
let sim: OpenStackSim;
let bare: OpenStackSim;
let designate: Designate;
let dns: DnsDriver & { offersDns(): Promise<boolean> };
let zoneId: string;

function driverOn(s: OpenStackSim) {
  const driver = createOpenStackDriver({
    credentials: { username: 'ops', password: 'secret', projectName: 'work', userDomainName: 'Default' },
    endpoint: s.authUrl,
    config: { ...pagesOfTwo, actionPollMs: 20 },
  });
  if (!isDnsDriver(driver) || !driver.offersDns) throw new Error('the OpenStack driver offers no DNS');
  return driver as DnsDriver & { offersDns(): Promise<boolean> };
}

const sets = () => [...designate.zone(zoneId).recordsets.values()];
const stored = (name: string, type: string) => sets().find((s) => s.name === name && s.type === type);

beforeAll(async () => {
  const options = {
    projects: [{ name: 'work' }],
    users: [{ name: 'ops', password: 'secret', projects: ['work'] }],
    actionDelayMs: DELAY_MS,
  };
  sim = await startOpenStackSim(options);
  bare = await startOpenStackSim({ ...options, dns: false });
  designate = sim.project('work').designate;
  zoneId = designate.createZone({ name: 'example.com.', email: 'hostmaster@example.com' }).id;
  for (let i = 0; i < 3; i++) designate.createZone({ name: `z${i}.example.`, email: 'dns@example.org' });
  dns = driverOn(sim);
});
afterAll(async () => {
  await sim.close();
  await bare.close();
});

describe('Designate through the OpenStack driver', () => {
  it('says whether the catalog has DNS, and lists the zones across pages', async () => {
    expect(await dns.offersDns()).toBe(true);
    expect(await driverOn(bare).offersDns()).toBe(false);
    await expect(driverOn(bare).listZones()).rejects.toMatchObject({
      kind: 'invalid',
      message: "This cloud's catalog has no public Designate (DNS) endpoint in RegionOne.",
    });
    const zones = await dns.listZones();
    expect(zones.map((z) => z.name).sort()).toEqual([
      'example.com',
      'z0.example',
      'z1.example',
      'z2.example',
    ]);
  });

  it('creates a zone that shows PENDING, then ACTIVE once Designate serves it, and deletes it', async () => {
    const started = Date.now();
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    // The driver waited for Designate: the zone answered PENDING and is ACTIVE now.
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 10);
    expect(made).toMatchObject({ name: 'new-zone.example', extra: { status: 'ACTIVE', action: 'NONE' } });
    expect(designate.zone(made.externalId)).toMatchObject({ email: 'hostmaster@new-zone.example' });
    expect([...designate.zone(made.externalId).recordsets.values()].map((s) => s.type).sort()).toEqual([
      'NS',
      'SOA',
    ]);
    await expect(dns.createZone({ name: 'new-zone.example', requestId: 'unused' })).rejects.toMatchObject({
      kind: 'conflict',
      options: { status: 409, code: 'duplicate_zone' },
      message: 'Duplicate Zone',
    });
    await dns.createRecord(made.externalId, { name: 'www', type: 'A', ttl: 300, value: '198.51.100.1' });
    await dns.deleteZone(made.externalId);
    expect(designate.zones.has(made.externalId)).toBe(false);
    expect((await dns.listZones()).some((z) => z.name === 'new-zone.example')).toBe(false);
  });

  it('creates, updates and deletes records of each type, as Designate then holds them', async () => {
    const before = await dns.listRecords(zoneId);
    expect(before.filter((r) => r.name === '@' && r.type === 'NS').map((r) => r.value)).toEqual([
      'ns1.devstack.org',
      'ns2.devstack.org',
    ]);
    const made = await createEachAsAsked(dns, zoneId);
    // Just made: Designate has it PENDING, and the list shows it already.
    expect(stored('example.com.', 'CAA')).toMatchObject({ status: 'PENDING', action: 'CREATE' });
    const moved = await dns.updateRecord(zoneId, made.a.externalId, {
      ...EACH_TYPE.a,
      ttl: 120,
      value: '198.51.100.8',
    });
    expect(moved).toMatchObject({ value: '198.51.100.8', ttl: 120 });
    await dns.deleteRecord(zoneId, made.aaaa.externalId);
    // Being deleted (PENDING DELETE) is not listed.
    expect(stored('api.example.com.', 'AAAA')).toMatchObject({ status: 'PENDING', action: 'DELETE' });
    const listed = await dns.listRecords(zoneId);
    expect(listed.filter((r) => r.name === 'api')).toEqual([moved]);
    for (const r of [made.cname, made.txt, made.ns, made.mx, made.srv, made.caa])
      expect(listed.find((l) => l.externalId === r.externalId)).toEqual(r);
    // What Designate stores: absolute names, zone-file text.
    expect(stored('api.example.com.', 'A')).toMatchObject({ ttl: 120, records: ['198.51.100.8'] });
    expect(stored('example.com.', 'MX')?.records).toEqual(['10 mail.example.com.']);
    expect(stored('example.com.', 'TXT')?.records).toEqual(['"v=spf1 -all"']);
    expect(stored('_sip._tcp.example.com.', 'SRV')?.records).toEqual(['5 10 5060 sip.example.com.']);
    await new Promise((r) => setTimeout(r, DELAY_MS + 20));
    expect(stored('api.example.com.', 'AAAA')).toBeUndefined();
    expect(stored('example.com.', 'CAA')).toMatchObject({ status: 'ACTIVE', action: 'NONE' });
    expect(designate.zone(zoneId)).toMatchObject({ status: 'ACTIVE', action: 'NONE' });
  });

  it('keeps the other values of a set when one changes or goes', async () => {
    const a = await dns.createRecord(zoneId, { name: 'pool', type: 'A', ttl: 300, value: '198.51.100.1' });
    const b = await dns.createRecord(zoneId, { name: 'pool', type: 'A', ttl: 300, value: '198.51.100.2' });
    await dns.updateRecord(zoneId, a.externalId, {
      name: 'pool',
      type: 'A',
      ttl: 600,
      value: '198.51.100.3',
    });
    expect(stored('pool.example.com.', 'A')).toMatchObject({
      ttl: 600,
      records: ['198.51.100.2', '198.51.100.3'],
    });
    await dns.deleteRecord(zoneId, b.externalId);
    expect(stored('pool.example.com.', 'A')?.records).toEqual(['198.51.100.3']);
  });

  it('keeps Designate’s words when it refuses, and writes nothing', async () => {
    const count = sets().length;
    await expect(
      dns.createRecord(zoneId, { name: 'www', type: 'A', ttl: 300, value: '198.51.100.5' }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      options: { status: 400, code: 'invalid_recordset_location' },
      message: 'CNAME recordsets may not share a name with any other records',
    });
    await expect(
      dns.createRecord(zoneId, { name: 'bad', type: 'A', ttl: 300, value: 'not-an-ip' }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      options: { code: 'invalid_object' },
      message: expect.stringMatching(/is not a 'ipv4'/),
    });
    expect(sets()).toHaveLength(count);
    // A set made elsewhere between the driver's read and its write: Designate's duplicate.
    const read = designate.recordsets.bind(designate);
    designate.recordsets = (id, filter) => {
      const found = read(id, filter);
      if (filter.name === 'race.example.com.' && !stored('race.example.com.', 'A'))
        designate.createRecordset(zoneId, {
          name: 'race.example.com.',
          type: 'A',
          records: ['198.51.100.30'],
        });
      return found;
    };
    try {
      await expect(
        dns.createRecord(zoneId, { name: 'race', type: 'A', ttl: 300, value: '198.51.100.31' }),
      ).rejects.toMatchObject({
        kind: 'conflict',
        options: { status: 409, code: 'duplicate_recordset' },
        message: 'Duplicate RecordSet',
      });
    } finally {
      designate.recordsets = read;
    }
    expect(stored('race.example.com.', 'A')?.records).toEqual(['198.51.100.30']);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(dns.listRecords(unknown)).rejects.toMatchObject({
      kind: 'not-found',
      options: { code: 'zone_not_found' },
      message: 'Could not find Zone',
    });
    await expect(dns.listRecords('../zones')).rejects.toMatchObject({ kind: 'invalid' });
  });
});
