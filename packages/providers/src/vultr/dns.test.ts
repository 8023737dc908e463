// Vultr domains through the real driver against the emulator.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVultrSim, type VultrSim } from '../../../cloud-sim/src/vultr/index';
import { roundTripEachType, tokenDnsDriver } from '../common/test-support/dns-records';
import { createVultrDriver } from './index';

const dnsOf = (token: string, endpoint: string, perPage?: number) =>
  tokenDnsDriver(createVultrDriver, token, endpoint, perPage);

describe('Vultr DNS on the emulator', () => {
  let sim: VultrSim;
  const stored = (token: string, name: string) => sim.account(token).dns.get(name);
  const accounts = [
    { token: 'one', domains: ['example.com', 'shop.example'] },
    { token: 'two', domains: ['other.net'] },
  ];
  beforeAll(async () => {
    sim = await startVultrSim({ accounts });
  });
  afterAll(() => sim.close());

  it('lists only the account’s own domains, across pages', async () => {
    for (let i = 0; i < 12; i++) sim.account('two').dns.create({ domain: `z${i}.example` });
    expect((await dnsOf('one', sim.url).listZones()).map((z) => z.name)).toEqual([
      'example.com',
      'shop.example',
    ]);
    const two = await dnsOf('two', sim.url, 5).listZones();
    expect(two).toHaveLength(13);
    expect(new Set(two.map((z) => z.externalId)).size).toBe(13);
  });

  it('creates, updates and deletes records of each type, as the emulator then holds them', async () => {
    const { mx, srv, caa, txt, a } = await roundTripEachType(dnsOf('one', sim.url), 'example.com');
    // What Vultr stores: the apex as "", SRV's data without its priority, CAA and TXT as zone-file text.
    const records = stored('one', 'example.com').records;
    expect(records.get(mx.externalId)).toMatchObject({ name: '', data: 'mail.example.com', priority: 10 });
    expect(records.get(srv.externalId)).toMatchObject({ data: '10 5060 sip.example.com', priority: 5 });
    expect(records.get(caa.externalId)?.data).toBe('0 issue "letsencrypt.org"');
    expect(records.get(txt.externalId)?.data).toBe('"v=spf1 -all"');
    expect(records.get(a.externalId)).toMatchObject({ data: '198.51.100.8', ttl: 120 });
    const apexNs = [...records.values()].filter((r) => r.type === 'NS' && r.name === '');
    expect(apexNs.map((r) => r.data)).toEqual(['ns1.vultr.com', 'ns2.vultr.com']);
  });

  it('pages through a domain with more records than a page', async () => {
    const dns = dnsOf('two', sim.url, 7);
    for (let i = 0; i < 20; i++)
      await dns.createRecord('other.net', { name: `t${i}`, type: 'TXT', ttl: 300, value: `v${i}` });
    const records = await dns.listRecords('other.net');
    expect(records.filter((r) => r.type === 'TXT').map((r) => r.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => `v${i}`),
    );
  });

  it('keeps Vultr’s words when it refuses, and a domain of another account is not found', async () => {
    const dns = dnsOf('one', sim.url);
    const before = stored('one', 'example.com').records.size;
    const badIp = await dns
      .createRecord('example.com', { name: 'bad', type: 'A', ttl: 300, value: 'not-an-ip' })
      .catch((e) => e);
    expect(badIp).toMatchObject({ kind: 'invalid', message: 'Invalid IPv4 address.' });
    expect(stored('one', 'example.com').records.size).toBe(before);
    await expect(dns.listRecords('other.net')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(dns.deleteRecord('example.com', '../x')).rejects.toMatchObject({ kind: 'not-found' });
    // A name that would climb out of its place in the path is never sent.
    const sent = sim.requestLog.length;
    await expect(dns.listRecords('..')).rejects.toMatchObject({ kind: 'not-found' });
    expect(sim.requestLog.length).toBe(sent);
  });

  it('creates a domain with Vultr’s name servers, refuses a second of the same name, and deletes it', async () => {
    const dns = dnsOf('one', sim.url);
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    expect(made).toMatchObject({ externalId: 'new-zone.example', name: 'new-zone.example' });
    expect([...stored('one', 'new-zone.example').records.values()].map((r) => r.data)).toEqual([
      'ns1.vultr.com',
      'ns2.vultr.com',
    ]);
    const dup = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' }).catch((e) => e);
    expect(dup).toMatchObject({ kind: 'conflict', message: 'Domain already exists.' });
    const invalid = await dns.createZone({ name: 'not a domain', requestId: 'unused' }).catch((e) => e);
    expect(invalid).toMatchObject({ kind: 'invalid', message: 'Invalid domain.' });

    await dns.deleteZone(made.externalId);
    expect(sim.account('one').dns.domains.has('new-zone.example')).toBe(false);
    await expect(dns.deleteZone(made.externalId)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses a wrong token in Vultr’s words', async () => {
    await expect(dnsOf('wrong', sim.url).listZones()).rejects.toMatchObject({
      kind: 'auth',
      message: 'Invalid API token.',
    });
  });
});
