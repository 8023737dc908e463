// Hetzner Cloud DNS through the real driver against the emulator: zones, records of each type,
// Hetzner's refusals in its words, listings over several pages, and secondary zones.

import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type HetznerSim, startHetznerSim } from '../../../cloud-sim/src/hetzner/index';
import { createEachAsAsked, EACH_TYPE, tokenDnsDriver } from '../common/test-support/dns-records';
import { createHetznerDriver } from './index';

const dnsOf = (token: string, endpoint: string, perPage?: number) =>
  tokenDnsDriver(createHetznerDriver, token, endpoint, perPage);

describe('Hetzner Cloud DNS on the emulator', () => {
  let sim: HetznerSim;
  const zoneId = (token: string, name: string) => String(sim.project(token).dns.zone(name).id);
  const stored = (token: string, name: string) => sim.project(token).dns.zone(name).rrsets;

  beforeAll(async () => {
    sim = await startHetznerSim({ projects: [{ token: 'one' }, { token: 'two' }] });
    sim.project('one').dns.createZone({ name: 'example.com' });
    sim.project('two').dns.createZone({ name: 'other.net' });
    sim.project('two').dns.createZone({ name: 'mirror.net', mode: 'secondary' });
  });
  afterAll(() => sim.close());

  it('lists only the project’s own zones, across pages', async () => {
    for (let i = 0; i < 7; i++) sim.project('two').dns.createZone({ name: `z${i}.example` });
    expect((await dnsOf('one', sim.url).listZones()).map((z) => z.name)).toEqual(['example.com']);
    const two = await dnsOf('two', sim.url, 2).listZones();
    expect(two).toHaveLength(9);
    expect(new Set(two.map((z) => z.externalId)).size).toBe(9);
    expect(two.find((z) => z.name === 'mirror.net')?.extra).toMatchObject({ mode: 'secondary' });
  });

  it('creates, updates and deletes records of each type, as Hetzner then holds them', async () => {
    const dns = dnsOf('one', sim.url);
    const zone = zoneId('one', 'example.com');
    // The zone's own SOA and NS sets are listed like any other.
    const before = await dns.listRecords(zone);
    expect(before.filter((r) => r.name === '@' && r.type === 'NS')).toHaveLength(3);
    const made = await createEachAsAsked(dns, zone);
    // A record of a set is named by its value, so a changed value is a record of a new id.
    const moved = await dns.updateRecord(zone, made.a.externalId, {
      ...EACH_TYPE.a,
      ttl: 120,
      value: '198.51.100.8',
    });
    expect(moved).toMatchObject({ value: '198.51.100.8', ttl: 120 });
    const retyped = await dns
      .updateRecord(zone, moved.externalId, { name: 'api', type: 'TXT', ttl: 120, value: 'x' })
      .catch((e) => e);
    expect(retyped).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/delete it and add/) });
    await dns.deleteRecord(zone, made.aaaa.externalId);
    const listed = await dns.listRecords(zone);
    expect(listed.filter((r) => r.name === 'api')).toEqual([moved]);
    for (const r of [made.cname, made.txt, made.ns, made.mx, made.srv, made.caa])
      expect(listed.find((l) => l.externalId === r.externalId)).toEqual(r);
    // What Hetzner stores: names relative to the zone, host targets absolute, TXT quoted.
    const sets = stored('one', 'example.com');
    expect(sets.get('api/A')).toMatchObject({ ttl: 120, records: [{ value: '198.51.100.8' }] });
    expect(sets.has('api/AAAA')).toBe(false);
    expect(sets.get('@/MX')?.records).toEqual([{ value: '10 mail.example.com.', comment: '' }]);
    expect(sets.get('@/TXT')?.records[0]?.value).toBe('"v=spf1 -all"');
    expect(sets.get('_sip._tcp/SRV')?.records[0]?.value).toBe('5 10 5060 sip.example.com.');
    expect(sets.get('@/CAA')?.records[0]?.value).toBe('0 issue "letsencrypt.org"');
  });

  it('keeps the other values of a set when one of them changes or goes', async () => {
    const dns = dnsOf('one', sim.url);
    const zone = zoneId('one', 'example.com');
    const a = await dns.createRecord(zone, { name: 'pool', type: 'A', ttl: 300, value: '198.51.100.1' });
    const b = await dns.createRecord(zone, { name: 'pool', type: 'A', ttl: 300, value: '198.51.100.2' });
    const commands = () => [...sim.project('one').actions.values()].map((x) => x.command);
    const before = commands().length;
    await dns.updateRecord(zone, a.externalId, { name: 'pool', type: 'A', ttl: 600, value: '198.51.100.3' });
    // The set is replaced in one step: at no moment does it serve neither the old value nor the new.
    expect(commands().slice(before)).toEqual(['set_records', 'change_ttl']);
    expect(stored('one', 'example.com').get('pool/A')).toMatchObject({
      ttl: 600,
      records: [{ value: '198.51.100.2' }, { value: '198.51.100.3' }],
    });
    await dns.deleteRecord(zone, b.externalId);
    expect(stored('one', 'example.com').get('pool/A')?.records).toEqual([
      { value: '198.51.100.3', comment: '' },
    ]);
  });

  it('pages through a zone with more record sets than a page', async () => {
    const zone = zoneId('two', 'other.net');
    const dns = dnsOf('two', sim.url, 25);
    for (let i = 0; i < 60; i++)
      await dns.createRecord(zone, { name: `t${i}`, type: 'TXT', ttl: 300, value: `v${i}` });
    const txt = (await dns.listRecords(zone)).filter((r) => r.type === 'TXT');
    expect(txt.map((r) => r.name)).toEqual(Array.from({ length: 60 }, (_, i) => `t${i}`));
  });

  it('keeps Hetzner’s words when it refuses, and writes nothing', async () => {
    const dns = dnsOf('one', sim.url);
    const zone = zoneId('one', 'example.com');
    const before = JSON.stringify([...stored('one', 'example.com')]);
    const badIp = await dns
      .createRecord(zone, { name: 'bad', type: 'A', ttl: 300, value: 'not-an-ip' })
      .catch((e) => e);
    expect(badIp).toBeInstanceOf(ProviderError);
    expect(badIp).toMatchObject({
      kind: 'invalid',
      options: { code: 'invalid_input' },
      message: "invalid input in field 'records': must be a valid IPv4 address",
    });
    const longTxt = await dns
      .createRecord(zone, { name: 'long', type: 'TXT', ttl: 300, value: 'x'.repeat(300) })
      .catch((e) => e);
    expect(longTxt).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/at most 255/) });
    const shortTtl = await dns
      .createRecord(zone, { name: 'fast', type: 'A', ttl: 5, value: '198.51.100.9' })
      .catch((e) => e);
    expect(shortTtl).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/field 'ttl'.*60/) });
    expect(JSON.stringify([...stored('one', 'example.com')])).toBe(before);

    await expect(dns.listRecords(zoneId('two', 'other.net'))).rejects.toMatchObject({ kind: 'not-found' });
    await expect(dns.listRecords('not-a-number')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(dns.deleteRecord(zone, 'not-an-id')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses record changes in a secondary zone in Hetzner’s words', async () => {
    const dns = dnsOf('two', sim.url);
    const refused = await dns
      .createRecord(zoneId('two', 'mirror.net'), { name: 'www', type: 'A', ttl: 300, value: '198.51.100.4' })
      .catch((e) => e);
    expect(refused).toMatchObject({
      kind: 'invalid',
      options: { code: 'incorrect_zone_mode' },
      message: "This operation is not supported for this Zone's mode",
    });
    expect(stored('two', 'mirror.net').size).toBe(0);
  });

  it('creates a primary zone with its SOA and NS, refuses a second of the same name, and deletes it', async () => {
    const dns = dnsOf('one', sim.url);
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    expect(made).toMatchObject({ name: 'new-zone.example', extra: { mode: 'primary' } });
    expect([...stored('one', 'new-zone.example').keys()].sort()).toEqual(['@/NS', '@/SOA']);

    const dup = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' }).catch((e) => e);
    expect(dup).toMatchObject({ kind: 'conflict', options: { code: 'uniqueness_error' } });
    const invalid = await dns.createZone({ name: 'not a domain', requestId: 'unused' }).catch((e) => e);
    expect(invalid).toMatchObject({
      kind: 'invalid',
      message: "invalid input in field 'name': must be a valid domain name",
    });

    await dns.deleteZone(made.externalId);
    expect(sim.project('one').dns.zones.has(Number(made.externalId))).toBe(false);
    await expect(dns.deleteZone(made.externalId)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses a wrong token in Hetzner’s words', async () => {
    await expect(dnsOf('wrong', sim.url).listZones()).rejects.toMatchObject({
      kind: 'auth',
      message: 'unable to authenticate',
    });
  });
});
