// Route 53 through the real SDK: against the emulator (served beside EC2 at one endpoint) and
// against Libcloud's recorded answers.

import { type DnsDriver, isDnsDriver } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import { createAwsDriver } from './index';

const RETRY = { retry: { attempts: 1 } };

function dnsAt(endpoint: string, accessKeyId = EC2_SIM_ACCESS_KEY_ID): DnsDriver {
  const driver = createAwsDriver({
    credentials: { accessKeyId, secretAccessKey: 's' },
    endpoint,
    config: RETRY,
  });
  if (!isDnsDriver(driver)) throw new Error('the AWS driver offers no DNS');
  return driver;
}

describe('Route 53 on the emulator', () => {
  let sim: Ec2Sim;
  let zoneId: string;
  beforeAll(async () => {
    sim = await startEc2Sim({ hostedZones: ['example.org', 'shop.example'] });
    zoneId = [...sim.route53.zones.values()].find((z) => z.name === 'example.org.')!.id;
  });
  afterAll(() => sim.close());
  const sets = () => [...sim.route53.zone(zoneId).sets.values()];

  it('lists the hosted zones and their records, one per value', async () => {
    const dns = dnsAt(sim.url);
    expect((await dns.listZones()).map((z) => z.name).sort()).toEqual(['example.org', 'shop.example']);
    const records = await dns.listRecords(zoneId);
    expect(records.filter((r) => r.type === 'NS')).toHaveLength(4);
    expect(records.find((r) => r.type === 'CNAME')).toMatchObject({
      name: 'www',
      value: 'example.org',
      ttl: 300,
    });
  });

  it('adds a value to a set, changes one and deletes one, each as one change batch', async () => {
    const dns = dnsAt(sim.url);
    const first = await dns.createRecord(zoneId, { name: 'api', type: 'A', ttl: 300, value: '198.51.100.1' });
    const second = await dns.createRecord(zoneId, {
      name: 'api',
      type: 'A',
      ttl: 300,
      value: '198.51.100.2',
    });
    expect(sets().find((s) => s.name === 'api.example.org.' && s.type === 'A')?.values).toEqual([
      '198.51.100.1',
      '198.51.100.2',
    ]);
    const mx = await dns.createRecord(zoneId, {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mail.example.org',
      priority: 10,
    });
    expect(sets().find((s) => s.type === 'MX')?.values).toEqual(['10 mail.example.org.']);
    expect(mx).toMatchObject({ name: '@', type: 'MX', priority: 10, value: 'mail.example.org' });
    await dns.createRecord(zoneId, { name: '*.dev', type: 'TXT', ttl: 60, value: 'hello world' });
    expect(sets().find((s) => s.type === 'TXT')).toMatchObject({
      name: '\\052.dev.example.org.',
      values: ['"hello world"'],
    });

    const moved = await dns.updateRecord(zoneId, first.externalId, {
      name: 'api',
      type: 'A',
      ttl: 120,
      value: '198.51.100.3',
    });
    expect(sets().find((s) => s.name === 'api.example.org.')).toMatchObject({
      ttl: 120,
      values: ['198.51.100.2', '198.51.100.3'],
    });
    await dns.deleteRecord(zoneId, second.externalId);
    await dns.deleteRecord(zoneId, moved.externalId);
    expect(sets().some((s) => s.name === 'api.example.org.')).toBe(false);

    const listed = await dns.listRecords(zoneId);
    expect(listed.find((r) => r.type === 'TXT')).toMatchObject({ name: '*.dev', value: 'hello world' });
  });

  it('keeps Route 53’s words when it refuses, and a record changed elsewhere is not overwritten', async () => {
    const dns = dnsAt(sim.url);
    const dup = await dns.createRecord(zoneId, { name: 'db', type: 'A', ttl: 300, value: '192.0.2.5' });
    const refused = await dns
      .createRecord(zoneId, { name: 'db', type: 'CNAME', ttl: 300, value: 'x.example.org' })
      .catch((e) => e);
    expect(refused).toMatchObject({ kind: 'invalid' });
    expect(refused.message).toMatch(/conflicts with other records/);
    // Someone else changes the set; our id names a value that is gone.
    sim.route53.put(sim.route53.zone(zoneId), {
      name: 'db.example.org.',
      type: 'A',
      ttl: 300,
      values: ['192.0.2.6'],
    });
    await expect(dns.deleteRecord(zoneId, dup.externalId)).rejects.toMatchObject({ kind: 'not-found' });
    expect(sets().find((s) => s.name === 'db.example.org.')?.values).toEqual(['192.0.2.6']);
    await expect(dns.listRecords('ZNOSUCHZONE')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(dnsAt(sim.url, 'AKIDWRONG').listZones()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('creates a hosted zone once per caller reference, and deletes it only when empty', async () => {
    const dns = dnsAt(sim.url);
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'ref-1' });
    expect(made.name).toBe('new-zone.example');
    const zone = sim.route53.zone(made.externalId);
    expect(zone.callerReference).toBe('ref-1');
    expect([...zone.sets.values()].map((s) => s.type).sort()).toEqual(['NS', 'SOA']);
    expect((await dns.listZones()).map((z) => z.name)).toContain('new-zone.example');

    // The same request again (a retry) makes no second zone.
    const again = await dns.createZone({ name: 'new-zone.example', requestId: 'ref-1' }).catch((e) => e);
    expect(again).toMatchObject({ kind: 'conflict', options: { code: 'HostedZoneAlreadyExists' } });
    expect([...sim.route53.zones.values()].filter((z) => z.name === 'new-zone.example.')).toHaveLength(1);
    const invalid = await dns.createZone({ name: 'bad..name', requestId: 'ref-2' }).catch((e) => e);
    expect(invalid).toMatchObject({ kind: 'invalid', options: { code: 'InvalidDomainName' } });

    await dns.createRecord(made.externalId, { name: 'www', type: 'A', ttl: 300, value: '192.0.2.7' });
    const full = await dns.deleteZone(made.externalId).catch((e) => e);
    expect(full).toMatchObject({ kind: 'conflict', options: { code: 'HostedZoneNotEmpty' } });
    expect(full.message).toMatch(/non-required resource record sets/);
    expect(sim.route53.zones.has(made.externalId)).toBe(true);

    const [www] = (await dns.listRecords(made.externalId)).filter((r) => r.type === 'A');
    await dns.deleteRecord(made.externalId, www!.externalId);
    await dns.deleteZone(made.externalId);
    expect(sim.route53.zones.has(made.externalId)).toBe(false);
    await expect(dns.deleteZone(made.externalId)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('Route 53 on recorded responses', () => {
  let replay: ReplayServer;
  const xml = (file: string, status = 200) => ({ status, file, headers: { 'content-type': 'text/xml' } });
  beforeAll(async () => {
    replay = await startReplayServer(libcloudFixtures('dns/route53'), { status: 404, body: '' });
  });
  beforeEach(() => replay.reset());
  afterAll(() => replay.close());

  it('reads hosted zones and record sets, every value a record', async () => {
    replay.script.set('GET /2013-04-01/hostedzone', xml('list_zones.xml'));
    replay.script.set('GET /2013-04-01/hostedzone/47234/rrset', xml('list_records.xml'));
    const dns = dnsAt(replay.url, 'AKIDFIXTURE');
    const zones = await dns.listZones();
    expect(zones.map((z) => [z.externalId, z.name])).toEqual([
      ['47234', 't.com'],
      ['48170', 'newbug.net'],
      ['48017', 'newblah.com'],
      ['47288', 'fromapi.com'],
      ['48008', 'blahnew.com'],
    ]);
    const records = await dns.listRecords('47234');
    expect(records.find((r) => r.name === 'wibble')).toMatchObject({
      type: 'CNAME',
      value: 't.com',
      ttl: 86400,
    });
    expect(records.find((r) => r.name === 'www')).toMatchObject({ type: 'A', value: '208.111.35.173' });
    const mx = records.filter((r) => r.type === 'MX');
    expect(mx.map((r) => [r.priority, r.value])).toEqual([
      [1, 'ASPMX.L.GOOGLE.COM'],
      [5, 'ALT1.ASPMX.L.GOOGLE.COM'],
      [5, 'ALT2.ASPMX.L.GOOGLE.COM'],
      [10, 'ASPMX2.GOOGLEMAIL.COM'],
      [10, 'ASPMX3.GOOGLEMAIL.COM'],
    ]);
    const srv = records.find((r) => r.type === 'SRV');
    expect(srv?.port).toBeTypeOf('number');
    expect(replay.seen[0]?.authorization).toMatch(/Credential=AKIDFIXTURE\/\d+\/us-east-1\/route53\//);
  });

  it('turns the recorded errors into ProviderErrors with Route 53’s words', async () => {
    replay.script.set('GET /2013-04-01/hostedzone', xml('list_zones.xml'));
    replay.script.set('GET /2013-04-01/hostedzone/47234/rrset', xml('zone_does_not_exist.xml', 404));
    const dns = dnsAt(replay.url, 'AKIDFIXTURE');
    await expect(dns.listRecords('47234')).rejects.toMatchObject({
      kind: 'not-found',
      message: 'No hosted zone found with ID: 47234',
    });
    replay.script.set('GET /2013-04-01/hostedzone/47234/rrset', xml('list_records.xml'));
    replay.script.set(
      'GET /2013-04-01/hostedzone/47234/rrset?maxitems=1&name=new.t.com.&type=A',
      xml('list_records.xml'),
    );
    replay.script.set('POST /2013-04-01/hostedzone/47234/rrset', xml('invalid_change_batch.xml', 400));
    await expect(
      dns.createRecord('47234', { name: 'new', type: 'A', ttl: 300, value: '192.0.2.1' }),
    ).rejects.toMatchObject({ kind: 'invalid', message: 'Invalid change' });
    const post = replay.seen.find((s) => s.method === 'POST');
    expect(String(post?.body)).toContain('<Action>CREATE</Action>');
  });
});
