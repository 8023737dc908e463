// Cloud DNS through the driver's REST calls with the service account's token: against the
// Compute Engine emulator's dns/v1, and against Libcloud's recorded answers.

import { generateKeyPairSync } from 'node:crypto';
import { type DnsDriver, isDnsDriver } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GceSim, startGceSim } from '../../../cloud-sim/src/gce/index';
import { zoneNameFor } from './dns';
import { createGceDriver } from './index';

const EMAIL = 'dns@proj-dns.iam.gserviceaccount.com';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let sim: GceSim;
beforeAll(async () => {
  sim = await startGceSim({
    serviceAccounts: [{ email: EMAIL, projects: ['proj-dns'], publicKey: keys.publicKey }],
    projects: [{ id: 'proj-dns', dnsZones: { 'example-net': 'example.net', 'shop-zone': 'shop.example' } }],
  });
});
afterAll(() => sim.close());

function dnsAt(endpoint: string, project = 'proj-dns'): DnsDriver {
  const driver = createGceDriver({
    credentials: {
      serviceAccount: {
        type: 'service_account',
        project_id: project,
        private_key_id: 'k1',
        private_key: keys.privateKey,
        client_email: EMAIL,
        token_uri: sim.tokenUri,
      },
    },
    endpoint,
    config: { retryAttempts: 1 },
  });
  if (!isDnsDriver(driver)) throw new Error('the Compute Engine driver offers no DNS');
  return driver;
}

describe('Cloud DNS on the emulator', () => {
  const sets = () => [...sim.projects.get('proj-dns')!.dns.zone('example-net').rrsets.values()];

  it('lists managed zones and records, one per value', async () => {
    const dns = dnsAt(sim.url);
    expect(await dns.listZones()).toEqual([
      expect.objectContaining({ externalId: 'example-net', name: 'example.net' }),
      expect.objectContaining({ externalId: 'shop-zone', name: 'shop.example' }),
    ]);
    const records = await dns.listRecords('example-net');
    expect(records.find((r) => r.type === 'A')).toMatchObject({ name: '@', value: '203.0.113.30', ttl: 300 });
    expect(records.filter((r) => r.type === 'NS')).toHaveLength(4);
  });

  it('adds, changes and deletes records through changes', async () => {
    const dns = dnsAt(sim.url);
    const a = await dns.createRecord('example-net', {
      name: 'api',
      type: 'AAAA',
      ttl: 300,
      value: '2001:db8::1',
    });
    const b = await dns.createRecord('example-net', {
      name: 'api',
      type: 'AAAA',
      ttl: 300,
      value: '2001:db8::2',
    });
    expect(sets().find((s) => s.name === 'api.example.net.')?.rrdatas).toEqual([
      '2001:db8::1',
      '2001:db8::2',
    ]);
    await dns.createRecord('example-net', {
      name: '_xmpp._tcp',
      type: 'SRV',
      ttl: 600,
      value: 'chat.example.net',
      priority: 5,
      weight: 0,
      port: 5222,
    });
    expect(sets().find((s) => s.type === 'SRV')?.rrdatas).toEqual(['5 0 5222 chat.example.net.']);
    await dns.createRecord('example-net', {
      name: '@',
      type: 'CAA',
      ttl: 3600,
      value: 'pki.goog',
      tag: 'issue',
      flags: 0,
    });
    expect(sets().find((s) => s.type === 'CAA')?.rrdatas).toEqual(['0 issue "pki.goog"']);

    await dns.updateRecord('example-net', a.externalId, {
      name: 'v6',
      type: 'AAAA',
      ttl: 60,
      value: '2001:db8::3',
    });
    expect(sets().find((s) => s.name === 'api.example.net.')?.rrdatas).toEqual(['2001:db8::2']);
    expect(sets().find((s) => s.name === 'v6.example.net.')).toMatchObject({
      ttl: 60,
      rrdatas: ['2001:db8::3'],
    });
    await dns.deleteRecord('example-net', b.externalId);
    expect(sets().some((s) => s.name === 'api.example.net.')).toBe(false);

    const listed = await dns.listRecords('example-net');
    expect(listed.find((r) => r.type === 'CAA')).toMatchObject({ tag: 'issue', flags: 0, value: 'pki.goog' });
    expect(listed.find((r) => r.type === 'SRV')).toMatchObject({
      priority: 5,
      weight: 0,
      port: 5222,
      value: 'chat.example.net',
    });
  });

  it('keeps Cloud DNS’s words when it refuses', async () => {
    const dns = dnsAt(sim.url);
    const clash = await dns
      .createRecord('example-net', { name: 'www', type: 'A', ttl: 300, value: '192.0.2.9' })
      .catch((e) => e);
    expect(clash).toMatchObject({ kind: 'invalid' });
    expect(clash.message).toMatch(/CNAME must be the only record/);
    await expect(dns.listRecords('no-such-zone')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(dnsAt(sim.url, 'someone-else').listZones()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('creates a managed zone named after the domain, and deletes it only when empty', async () => {
    const dns = dnsAt(sim.url);
    const made = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' });
    expect(made).toMatchObject({ externalId: 'new-zone-example', name: 'new-zone.example' });
    const project = sim.project('proj-dns').dns;
    expect(project.zone('new-zone-example').dnsName).toBe('new-zone.example.');

    const dup = await dns.createZone({ name: 'new-zone.example', requestId: 'unused' }).catch((e) => e);
    expect(dup).toMatchObject({ kind: 'conflict', options: { code: 'alreadyExists' } });
    expect(dup.message).toMatch(/already exists/);

    await dns.createRecord(made.externalId, { name: 'www', type: 'A', ttl: 300, value: '192.0.2.7' });
    const full = await dns.deleteZone(made.externalId).catch((e) => e);
    expect(full).toMatchObject({ kind: 'conflict', options: { code: 'containerNotEmpty' } });
    expect(full.message).toMatch(/not empty/);
    expect(project.zones.has('new-zone-example')).toBe(true);

    const [www] = (await dns.listRecords(made.externalId)).filter((r) => r.type === 'A');
    await dns.deleteRecord(made.externalId, www!.externalId);
    await dns.deleteZone(made.externalId);
    expect(project.zones.has('new-zone-example')).toBe(false);
  });

  it('derives a valid zone name from any domain', () => {
    expect(zoneNameFor('example.com')).toBe('example-com');
    expect(zoneNameFor('1password.example')).toBe('z-1password-example');
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    const name = zoneNameFor(long);
    expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(name).not.toBe(zoneNameFor(`${'a'.repeat(60)}.${'c'.repeat(60)}.example`));
  });
});

describe('Cloud DNS on recorded responses', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer(libcloudFixtures('dns/google'), { status: 404, body: '{}' });
  });
  beforeEach(() => replay.reset());
  afterAll(() => replay.close());

  it('reads managed zones and record sets', async () => {
    replay.script.set('GET /dns/v1/projects/proj-dns/managedZones', { status: 200, file: 'zone_list.json' });
    replay.script.set('GET /dns/v1/projects/proj-dns/managedZones/example-com/rrsets', {
      status: 200,
      file: 'records_list.json',
    });
    const dns = dnsAt(replay.url);
    const zones = await dns.listZones();
    expect(zones.map((z) => [z.externalId, z.name])).toEqual([
      ['example-com', 'example.com'],
      ['example-net', 'example.net'],
    ]);
    const records = await dns.listRecords('example-com');
    expect(records.map((r) => [r.name, r.type, r.value])).toEqual([
      ['@', 'NS', 'ns-cloud-d1.googledomains.com'],
      ['@', 'NS', 'ns-cloud-d2.googledomains.com'],
      ['@', 'NS', 'ns-cloud-d3.googledomains.com'],
      ['@', 'NS', 'ns-cloud-d4.googledomains.com'],
      ['@', 'SOA', 'ns-cloud-d1.googledomains.com. dns-admin.google.com. 0 21600 3600 1209600 300'],
      ['foo', 'A', '1.2.3.4'],
    ]);
    expect(replay.seen[0]?.authorization).toMatch(/^Bearer /);
  });

  it('turns the recorded not-found into a ProviderError with its words', async () => {
    replay.script.set('GET /dns/v1/projects/proj-dns/managedZones/example-com', {
      status: 404,
      file: 'get_zone_does_not_exists.json',
    });
    await expect(dnsAt(replay.url).listRecords('example-com')).rejects.toMatchObject({
      kind: 'not-found',
      message: "The 'parameters.managedZone' resource named 'example-com' does not exist.",
    });
  });
});
