// Linode domains through the real driver: against the emulator, and against Libcloud's recorded
// answers.

import { ProviderError } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LinodeSim, startLinodeSim } from '../../../cloud-sim/src/linode/index';
import { roundTripEachType, tokenDnsDriver } from '../common/test-support/dns-records';
import { createLinodeDriver } from './index';

const dnsOf = (token: string, endpoint: string, perPage?: number) =>
  tokenDnsDriver(createLinodeDriver, token, endpoint, perPage);

describe('Linode DNS on the emulator', () => {
  let sim: LinodeSim;
  const domainId = (token: string, name: string) =>
    String(
      sim
        .account(token)
        .dns.list()
        .find((d) => d.domain === name)!.id,
    );
  const stored = (token: string, name: string) => sim.account(token).dns.get(Number(domainId(token, name)));

  const accounts = [
    { token: 'one', domains: ['example.com', 'shop.example'] },
    { token: 'two', domains: ['other.net'] },
  ];
  beforeAll(async () => {
    sim = await startLinodeSim({ accounts });
  });
  afterAll(() => sim.close());

  it('lists only the account’s own domains, across pages', async () => {
    for (let i = 0; i < 30; i++)
      sim.account('two').dns.create({ domain: `z${i}.example`, soa_email: 'a@b.c' });
    expect((await dnsOf('one', sim.url).listZones()).map((z) => z.name).sort()).toEqual([
      'example.com',
      'shop.example',
    ]);
    const two = await dnsOf('two', sim.url, 25).listZones();
    expect(two).toHaveLength(31);
    expect(new Set(two.map((z) => z.externalId)).size).toBe(31);
  });

  it('creates, updates and deletes records of each type, as the emulator then holds them', async () => {
    const { mx, srv, a } = await roundTripEachType(dnsOf('one', sim.url), domainId('one', 'example.com'));
    // What Linode stores: the apex as "", host targets without the dot, SRV by service and protocol.
    const records = stored('one', 'example.com').records;
    expect(records.get(Number(mx.externalId))).toMatchObject({ name: '', target: 'mail.example.com' });
    expect(records.get(Number(srv.externalId))).toMatchObject({
      name: '_sip._tcp',
      service: 'sip',
      protocol: 'tcp',
    });
    expect(records.get(Number(a.externalId))).toMatchObject({ target: '198.51.100.8', ttl_sec: 120 });
  });

  it('pages through a domain with more records than a page', async () => {
    const zone = domainId('two', 'other.net');
    const dns = dnsOf('two', sim.url, 25);
    for (let i = 0; i < 60; i++)
      await dns.createRecord(zone, { name: `t${i}`, type: 'TXT', ttl: 300, value: `v${i}` });
    const records = await dns.listRecords(zone);
    expect(records.map((r) => r.name)).toEqual(Array.from({ length: 60 }, (_, i) => `t${i}`));
  });

  it('keeps Linode’s words when it refuses, and a domain of another account is not found', async () => {
    const dns = dnsOf('one', sim.url);
    const zone = domainId('one', 'example.com');
    const before = stored('one', 'example.com').records.size;
    const badIp = await dns
      .createRecord(zone, { name: 'bad', type: 'A', ttl: 300, value: 'not-an-ip' })
      .catch((e) => e);
    expect(badIp).toBeInstanceOf(ProviderError);
    expect(badIp).toMatchObject({
      kind: 'invalid',
      message: 'target: Must be a valid IPv4 address',
    });
    // Linode's MX priorities stop at 255, below what DNS allows.
    const highMx = await dns
      .createRecord(zone, { name: '@', type: 'MX', ttl: 300, value: 'mx.example.com', priority: 1000 })
      .catch((e) => e);
    expect(highMx).toMatchObject({ kind: 'invalid', message: 'priority: Must be between 0 and 255' });
    const flagged = await dns
      .createRecord(zone, { name: '@', type: 'CAA', ttl: 300, value: 'ca.example', tag: 'issue', flags: 128 })
      .catch((e) => e);
    expect(flagged).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/no CAA flags/) });
    expect(stored('one', 'example.com').records.size).toBe(before);

    const foreign = await dns.listRecords(domainId('two', 'other.net')).catch((e) => e);
    expect(foreign).toMatchObject({ kind: 'not-found' });
    await expect(dns.deleteRecord(zone, 'not-a-number')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('creates a master domain with its hostmaster, refuses a second of the same name, and deletes it', async () => {
    const dns = dnsOf('one', sim.url);
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    expect(made).toMatchObject({ name: 'new-zone.example', extra: { type: 'master' } });
    expect(stored('one', 'new-zone.example').soaEmail).toBe('hostmaster@new-zone.example');

    const dup = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' }).catch((e) => e);
    expect(dup).toMatchObject({ kind: 'conflict', message: 'domain: Domain already exists' });
    const invalid = await dns.createZone({ name: 'not a domain', requestId: 'unused' }).catch((e) => e);
    expect(invalid).toMatchObject({ kind: 'invalid', message: 'domain: Domain is not valid' });

    await dns.deleteZone(made.externalId);
    expect(
      sim
        .account('one')
        .dns.list()
        .some((d) => d.domain === 'new-zone.example'),
    ).toBe(false);
    await expect(dns.deleteZone(made.externalId)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses a wrong token in Linode’s words', async () => {
    await expect(dnsOf('wrong', sim.url).listZones()).rejects.toMatchObject({
      kind: 'auth',
      message: 'Invalid Token',
    });
  });
});

describe('Linode DNS on recorded responses', () => {
  let replay: ReplayServer;
  const answer = (key: string, file: string, status = 200) => replay.script.set(key, { status, file });
  beforeAll(async () => {
    replay = await startReplayServer(libcloudFixtures('dns/linode_v4'), {
      status: 404,
      body: '{"errors":[{"reason":"Not found"}]}',
    });
  });
  beforeEach(() => replay.reset());
  afterAll(() => replay.close());

  it('reads domains and records field by field', async () => {
    answer('GET /v4/domains?page=1&page_size=500', 'list_zones.json');
    answer('GET /v4/domains/123', 'get_zone.json');
    answer('GET /v4/domains/123/records?page=1&page_size=500', 'list_records.json');
    const dns = dnsOf('tok', replay.url);
    const zones = await dns.listZones();
    expect(zones.map((z) => [z.externalId, z.name])).toEqual([
      ['123', 'test.com'],
      ['1234', 'example.com'],
      ['12345', 'testing.com'],
    ]);
    expect(zones[0]?.extra).toEqual({ type: 'master', status: 'active', soaEmail: 'admin@test.com' });
    const records = await dns.listRecords('123');
    expect(records[0]).toEqual({
      externalId: '123',
      name: '@',
      type: 'MX',
      ttl: 300,
      value: 'mail.test.com',
      priority: 10,
    });
    expect(records[2]).toEqual({
      externalId: '12345',
      name: 'test',
      type: 'CAA',
      ttl: 300,
      value: 'letsencrypt.org',
      flags: 0,
      tag: 'issue',
    });
    expect(records.map((r) => r.type)).toEqual(['MX', 'NS', 'CAA', 'A', 'TXT', 'CNAME']);
    expect(replay.seen[0]?.authorization).toBe('Bearer tok');
  });

  it('sends a new zone and record, and an update, and reads the answers', async () => {
    answer('POST /v4/domains', 'create_zone.json');
    answer('POST /v4/domains/123/records', 'create_record.json');
    answer('GET /v4/domains/123/records/123', 'get_record_A.json');
    answer('PUT /v4/domains/123/records/123', 'update_record.json');
    const dns = dnsOf('tok', replay.url);
    expect(await dns.createZone({ name: 'example.com', requestId: 'r' })).toMatchObject({
      externalId: '123',
      name: 'example.com',
    });
    expect(replay.seen[0]?.body).toEqual({
      domain: 'example.com',
      type: 'master',
      soa_email: 'hostmaster@example.com',
    });
    // A TTL of 0 is Linode's "default", read as its default.
    expect(
      await dns.createRecord('123', { name: 'test', type: 'A', ttl: 300, value: '200.150.100.50' }),
    ).toEqual({
      externalId: '123',
      name: 'test',
      type: 'A',
      ttl: 86_400,
      value: '200.150.100.50',
    });
    expect(replay.seen[1]?.body).toEqual({ type: 'A', name: 'test', target: '200.150.100.50', ttl_sec: 300 });
    const updated = await dns.updateRecord('123', '123', {
      name: 'test',
      type: 'A',
      ttl: 3600,
      value: '200.150.100.50',
    });
    expect(updated).toMatchObject({ ttl: 3600, value: '200.150.100.50' });
    expect(replay.seen[3]?.body).toEqual({ name: 'test', target: '200.150.100.50', ttl_sec: 3600 });
  });

  it('an unknown domain is not found, in Linode’s words', async () => {
    await expect(dnsOf('tok', replay.url).listRecords('999')).rejects.toMatchObject({
      kind: 'not-found',
      message: 'Not found',
    });
  });
});
