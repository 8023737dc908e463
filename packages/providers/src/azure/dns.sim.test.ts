// Azure DNS through the real driver (@azure/arm-dns) against the emulator: zones in every resource
// group of the subscriptions seen, record sets of each type as ARM stores them, changes held to
// the sets' ETags, and Azure's refusals in its words.

import { type DnsDriver, isDnsDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type AzureSim, startAzureSim } from '../../../cloud-sim/src/azure/index';
import { createEachAsAsked, EACH_TYPE } from '../common/test-support/dns-records';
import { createAzureDriver } from './index';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-0000000000d1';
const SUB = '00000000-0000-0000-0000-0000000000d1';
const SUB2 = '00000000-0000-0000-0000-0000000000d2';
const RG = 'dns-rg';

let sim: AzureSim;
let dns: DnsDriver;
const zoneOf = (sub: string, rg: string, name: string) =>
  sim.dns.zone(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/dnszones/${name}`)!;
const set = (name: string, type: string) => zoneOf(SUB, RG, 'example.com').sets.get(`${type} ${name}`);

function driverFor(subscriptionId?: string): DnsDriver {
  const driver = createAzureDriver({
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'dns-secret' },
    endpoint: sim.url,
    config: {
      ...(subscriptionId ? { subscriptionId } : {}),
      resourceGroup: RG,
      authorityHost: sim.url,
      caCertificate: sim.ca,
      pricesEndpoint: '',
      retryAttempts: 2,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 10,
      pollIntervalMs: 10,
    },
  });
  if (!isDnsDriver(driver)) throw new Error('the Azure driver offers no DNS');
  return driver;
}

beforeAll(async () => {
  sim = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: 'dns-secret', subscriptions: [SUB, SUB2] }],
    subscriptions: [
      { id: SUB, vms: 0, resourceGroup: RG },
      { id: SUB2, vms: 0, resourceGroup: 'other-rg' },
    ],
    pageSize: 2,
    transitionMs: 20,
  });
  sim.dns.addZone(SUB, RG, 'example.com');
  sim.dns.addZone(SUB2, 'other-rg', 'other.net');
  dns = driverFor(SUB);
});
afterAll(() => sim.close());

describe('Azure DNS on the emulator', () => {
  it('lists the zones of every subscription the principal sees, with their resource groups', async () => {
    const all = await driverFor().listZones();
    expect(all.map((z) => [z.name, z.extra.resourceGroup]).sort()).toEqual([
      ['example.com', RG],
      ['other.net', 'other-rg'],
    ]);
    expect((await dns.listZones()).map((z) => z.name)).toEqual(['example.com']);
  });

  it('creates, updates and deletes records of each type, as Azure then stores them', async () => {
    const zone = zoneOf(SUB, RG, 'example.com').id;
    const before = await dns.listRecords(zone);
    expect(before.filter((r) => r.name === '@' && r.type === 'NS')).toHaveLength(4);
    expect(before.some((r) => r.type === 'SOA')).toBe(true);
    const made = await createEachAsAsked(dns, zone);
    const moved = await dns.updateRecord(zone, made.a.externalId, {
      ...EACH_TYPE.a,
      ttl: 120,
      value: '198.51.100.8',
    });
    expect(moved).toMatchObject({ value: '198.51.100.8', ttl: 120 });
    await dns.deleteRecord(zone, made.aaaa.externalId);
    const listed = await dns.listRecords(zone);
    expect(listed.filter((r) => r.name === 'api')).toEqual([moved]);
    for (const r of [made.cname, made.txt, made.ns, made.mx, made.srv, made.caa])
      expect(listed.find((l) => l.externalId === r.externalId)).toEqual(r);
    // ARM's typed records: names relative to the zone, each type in its own property, hosts as the portal writes them.
    expect(set('api', 'A')).toMatchObject({ ttl: 120, records: [{ ipv4Address: '198.51.100.8' }] });
    expect(set('api', 'AAAA')).toBeUndefined();
    expect(set('@', 'MX')?.records).toEqual([{ preference: 10, exchange: 'mail.example.com' }]);
    expect(set('@', 'TXT')?.records).toEqual([{ value: ['v=spf1 -all'] }]);
    expect(set('_sip._tcp', 'SRV')?.records).toEqual([
      { priority: 5, weight: 10, port: 5060, target: 'sip.example.com' },
    ]);
    expect(set('@', 'CAA')?.records).toEqual([{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }]);
    expect(set('www', 'CNAME')?.records).toEqual({ cname: 'example.com' });
  });

  it('keeps the other values of a set when one changes or goes, and reads PTR sets', async () => {
    const zone = zoneOf(SUB, RG, 'example.com').id;
    const a = await dns.createRecord(zone, { name: 'pool', type: 'A', ttl: 300, value: '198.51.100.1' });
    const b = await dns.createRecord(zone, { name: 'pool', type: 'A', ttl: 300, value: '198.51.100.2' });
    await dns.updateRecord(zone, a.externalId, { name: 'pool', type: 'A', ttl: 600, value: '198.51.100.3' });
    expect(set('pool', 'A')).toMatchObject({
      ttl: 600,
      records: [{ ipv4Address: '198.51.100.2' }, { ipv4Address: '198.51.100.3' }],
    });
    await dns.deleteRecord(zone, b.externalId);
    expect(set('pool', 'A')?.records).toEqual([{ ipv4Address: '198.51.100.3' }]);
    sim.dns.putSet(
      zoneOf(SUB, RG, 'example.com'),
      'PTR',
      '7',
      { TTL: 300, PTRRecords: [{ ptrdname: 'api.example.com' }] },
      {},
    );
    expect((await dns.listRecords(zone)).find((r) => r.type === 'PTR')).toMatchObject({
      name: '7',
      value: 'api.example.com',
    });
  });

  it('refuses what Azure refuses, in its words, and writes nothing', async () => {
    const zone = zoneOf(SUB, RG, 'example.com').id;
    const cname = (await dns.listRecords(zone)).find((r) => r.type === 'CNAME')!;
    // A second CNAME at a name, and a record beside a CNAME.
    await expect(
      dns.createRecord(zone, { name: 'www', type: 'CNAME', ttl: 300, value: 'other.example.com' }),
    ).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/one CNAME per name/) });
    await expect(
      dns.createRecord(zone, { name: 'www', type: 'A', ttl: 300, value: '198.51.100.5' }),
    ).rejects.toMatchObject({
      kind: 'conflict',
      options: { status: 409, code: 'Conflict' },
      message: expect.stringMatching(/CNAME record set with the same name 'www' already exists/),
    });
    expect(set('www', 'A')).toBeUndefined();
    // The same value twice.
    await expect(
      dns.createRecord(zone, { name: 'www', type: 'CNAME', ttl: 3600, value: 'example.com' }),
    ).rejects.toMatchObject({ kind: 'conflict' });
    expect(cname.value).toBe('example.com');
    // An unknown zone.
    const gone = zoneOf(SUB, RG, 'example.com').id.replace('example.com', 'nowhere.example');
    await expect(dns.listRecords(gone)).rejects.toMatchObject({
      kind: 'not-found',
      options: { code: 'ResourceNotFound' },
      message: expect.stringMatching(/Microsoft.Network\/dnszones\/nowhere.example.*was not found/),
    });
    await expect(
      dns.createRecord(gone, { name: 'x', type: 'A', ttl: 300, value: '198.51.100.5' }),
    ).rejects.toMatchObject({ kind: 'not-found', options: { code: 'ResourceNotFound' } });
  });

  it('refuses a change to a set changed elsewhere since it was read (ETag)', async () => {
    const zone = zoneOf(SUB, RG, 'example.com');
    const record = await dns.createRecord(zone.id, {
      name: 'race',
      type: 'A',
      ttl: 300,
      value: '198.51.100.20',
    });
    // The driver reads the set twice (what goes, what comes), then someone else writes it as the PUT lands.
    const realGet = sim.dns.zone.bind(sim.dns);
    let reads = 0;
    sim.dns.zone = (id: string) => {
      const z = realGet(id);
      if (z && ++reads === 3) {
        const s = z.sets.get('A race')!;
        s.etag = crypto.randomUUID();
        s.records = [{ ipv4Address: '198.51.100.21' }];
      }
      return z;
    };
    try {
      await expect(
        dns.updateRecord(zone.id, record.externalId, {
          name: 'race',
          type: 'A',
          ttl: 300,
          value: '198.51.100.22',
        }),
      ).rejects.toMatchObject({
        kind: 'conflict',
        options: { status: 412, code: 'PreconditionFailed' },
        message: 'The Record set race has been modified (etag mismatch).',
      });
    } finally {
      sim.dns.zone = realGet;
    }
    expect(set('race', 'A')?.records).toEqual([{ ipv4Address: '198.51.100.21' }]);
  });

  it('creates a zone in the cloud’s resource group with its SOA and NS, refuses a second, and deletes it', async () => {
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    expect(made).toMatchObject({ name: 'new-zone.example', extra: { resourceGroup: RG } });
    expect([...zoneOf(SUB, RG, 'new-zone.example').sets.keys()].sort()).toEqual(['NS @', 'SOA @']);
    await expect(dns.createZone({ name: 'new-zone.example', requestId: 'unused' })).rejects.toMatchObject({
      kind: 'conflict',
      options: { status: 412, code: 'PreconditionFailed' },
      message: 'The Zone new-zone.example exists already and hence cannot be created again.',
    });
    await dns.createRecord(made.externalId, { name: 'a', type: 'A', ttl: 300, value: '198.51.100.9' });
    await dns.deleteZone(made.externalId);
    expect(zoneOf(SUB, RG, 'new-zone.example')).toBeUndefined();
  });
});
