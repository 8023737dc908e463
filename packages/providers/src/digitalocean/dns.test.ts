// DigitalOcean domains through the real driver (dots-wrapper): against the emulator, and against
// Libcloud's recorded answers.

import { type DnsDriver, isDnsDriver, ProviderError } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DigitalOceanSim, startDigitalOceanSim } from '../../../cloud-sim/src/digitalocean/index';
import { createDigitalOceanDriver } from './index';

const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 20, retryAttempts: 2 };

function dnsOf(token: string, endpoint: string): DnsDriver {
  const driver = createDigitalOceanDriver({ credentials: { token }, endpoint, config: FAST });
  if (!isDnsDriver(driver)) throw new Error('the DigitalOcean driver offers no DNS');
  return driver;
}

describe('DigitalOcean DNS on the emulator', () => {
  let sim: DigitalOceanSim;
  beforeAll(async () => {
    sim = await startDigitalOceanSim({
      accounts: [
        { token: 'one', domains: ['example.com', 'shop.example'] },
        { token: 'two', domains: ['other.net'] },
      ],
    });
  });
  afterAll(() => sim.close());

  it('lists only the account’s own domains', async () => {
    expect((await dnsOf('one', sim.url).listZones()).map((z) => z.name).sort()).toEqual([
      'example.com',
      'shop.example',
    ]);
    expect((await dnsOf('two', sim.url).listZones()).map((z) => z.name)).toEqual(['other.net']);
  });

  it('creates, updates and deletes records of each type, as the emulator then holds them', async () => {
    const dns = dnsOf('one', sim.url);
    const a = await dns.createRecord('example.com', {
      name: 'api',
      type: 'A',
      ttl: 300,
      value: '198.51.100.7',
    });
    const mx = await dns.createRecord('example.com', {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mail.example.com',
      priority: 10,
    });
    const srv = await dns.createRecord('example.com', {
      name: '_sip._tcp',
      type: 'SRV',
      ttl: 600,
      value: 'sip.example.com',
      priority: 5,
      weight: 10,
      port: 5060,
    });
    const caa = await dns.createRecord('example.com', {
      name: '@',
      type: 'CAA',
      ttl: 3600,
      value: 'letsencrypt.org',
      tag: 'issue',
      flags: 0,
    });
    expect(mx).toMatchObject({ type: 'MX', name: '@', value: 'mail.example.com', priority: 10 });
    expect(srv).toMatchObject({ priority: 5, weight: 10, port: 5060, value: 'sip.example.com' });
    expect(caa).toMatchObject({ tag: 'issue', flags: 0, value: 'letsencrypt.org' });

    // What DigitalOcean stores: host targets absolute.
    const stored = sim.account('one').dns.get('example.com').records.get(Number(mx.externalId));
    expect(stored?.data).toBe('mail.example.com.');

    const moved = await dns.updateRecord('example.com', a.externalId, {
      name: 'api',
      type: 'A',
      ttl: 60,
      value: '198.51.100.8',
    });
    expect(moved).toMatchObject({ externalId: a.externalId, value: '198.51.100.8', ttl: 60 });
    await dns.deleteRecord('example.com', srv.externalId);

    const records = await dns.listRecords('example.com');
    expect(records.find((r) => r.externalId === a.externalId)?.value).toBe('198.51.100.8');
    expect(records.some((r) => r.externalId === srv.externalId)).toBe(false);
    expect(records.filter((r) => r.type === 'NS').map((r) => r.value)).toContain('ns1.digitalocean.com');
  });

  it('pages through a domain with more records than a page', async () => {
    const dns = createDigitalOceanDriver({
      credentials: { token: 'two' },
      endpoint: sim.url,
      config: { ...FAST, perPage: 7 },
    });
    if (!isDnsDriver(dns)) throw new Error('no DNS');
    const domain = sim.account('two').dns.get('other.net');
    for (let i = 0; i < 30; i++)
      sim.account('two').dns.insert(domain, { type: 'TXT', name: `t${i}`, data: `v${i}` });
    const records = await dns.listRecords('other.net');
    expect(records.filter((r) => r.type === 'TXT')).toHaveLength(30);
  });

  it('keeps DigitalOcean’s words when it refuses, and a domain of another account is not found', async () => {
    const dns = dnsOf('one', sim.url);
    const refused = await dns
      .createRecord('example.com', { name: 'bad', type: 'A', ttl: 300, value: 'not-an-ip' })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused.kind).toBe('invalid');
    expect(refused.message).toMatch(/IPv4/);
    const foreign = await dns.listRecords('other.net').catch((e) => e);
    expect(foreign).toMatchObject({ kind: 'not-found' });
  });

  it('creates a domain, refuses a second of the same name, and deletes it', async () => {
    const dns = dnsOf('one', sim.url);
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    expect(made).toMatchObject({ externalId: 'new-zone.example', name: 'new-zone.example' });
    const types = [...sim.account('one').dns.get('new-zone.example').records.values()].map((r) => r.type);
    expect(types.sort()).toEqual(['NS', 'NS', 'NS', 'SOA']);

    const dup = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' }).catch((e) => e);
    expect(dup).toMatchObject({ kind: 'conflict' });
    expect(dup.message).toMatch(/already exists/);
    const invalid = await dns.createZone({ name: 'not a domain', requestId: 'unused' }).catch((e) => e);
    expect(invalid).toMatchObject({ kind: 'invalid' });
    expect(invalid.message).toMatch(/Name is invalid/);

    await dns.deleteZone(made.externalId);
    expect(sim.account('one').dns.domains.has('new-zone.example')).toBe(false);
    await expect(dns.deleteZone(made.externalId)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('DigitalOcean DNS on recorded responses', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer(libcloudFixtures('dns/digitalocean'), {
      status: 404,
      body: '{"id":"not_found","message":"The resource you were accessing could not be found."}',
    });
  });
  beforeEach(() => replay.reset());
  afterAll(() => replay.close());

  it('reads domains and records, a record without a TTL getting DigitalOcean’s default', async () => {
    replay.script.set('GET /v2/domains?page=1&per_page=200', { status: 200, file: '_v2_domains.json' });
    replay.script.set('GET /v2/domains/testdomain/records?page=1&per_page=200', {
      status: 200,
      file: '_v2_domains_testdomain_records.json',
    });
    const dns = dnsOf('tok', replay.url);
    expect(await dns.listZones()).toEqual([
      { externalId: 'testdomain', name: 'testdomain', extra: { ttl: 1800 } },
    ]);
    const records = await dns.listRecords('testdomain');
    expect(records).toHaveLength(5);
    expect(records[0]).toEqual({
      externalId: '1234560',
      name: '@',
      type: 'NS',
      ttl: 1800,
      value: 'ns1.digitalocean.com',
    });
    expect(records[4]).toMatchObject({ externalId: '1234567', type: 'A', value: '123.45.67.99', ttl: 1800 });
    expect(replay.seen[0]?.authorization).toBe('Bearer tok');
  });

  it('sends a new record and reads the answer', async () => {
    replay.script.set('POST /v2/domains/testdomain/records', {
      status: 201,
      file: '_v2_domains_testdomain_records_CREATE.json',
    });
    const made = await dnsOf('tok', replay.url).createRecord('testdomain', {
      name: 'sub',
      type: 'A',
      ttl: 60,
      value: '234.56.78.90',
    });
    expect(made).toEqual({ externalId: '1234565', name: 'sub', type: 'A', ttl: 60, value: '234.56.78.90' });
    expect(replay.seen[0]?.body).toMatchObject({ type: 'A', name: 'sub', data: '234.56.78.90', ttl: 60 });
  });

  it('turns the recorded refusals into ProviderErrors with their words', async () => {
    replay.script.set('GET /v2/domains?page=1&per_page=200', {
      status: 401,
      file: '_v2_domains_UNAUTHORIZED.json',
    });
    await expect(dnsOf('tok', replay.url).listZones()).rejects.toMatchObject({
      kind: 'auth',
      message: 'Unable to authenticate you.',
    });
    replay.script.set('GET /v2/domains/testdomain/records?page=1&per_page=200', {
      status: 404,
      file: '_v2_domains_testdomain_NOT_FOUND.json',
    });
    await expect(dnsOf('tok', replay.url).listRecords('testdomain')).rejects.toMatchObject({
      kind: 'not-found',
    });
  });
});
