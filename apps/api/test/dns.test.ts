import type { DigitalOceanSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDigitalOceanApi } from './support/clouds';
import {
  createOrgWithUser,
  login,
  memberCookie,
  seedCloud,
  send,
  type TestApi,
  type TestUser,
} from './support/harness';

// DNS zones and records of a DigitalOcean cloud, through the api to the emulator and back.

let api: TestApi;
let sim: DigitalOceanSim;
let owner: TestUser;
let cookie: string;
let started: Awaited<ReturnType<typeof startDigitalOceanApi>> | undefined;
let cloudId: string;
const TOKEN = 'do-token-dns-test';

const zones = () => `/api/v1/clouds/${cloudId}/dns/zones`;
const records = (zone = 'example.com') => `${zones()}/${zone}/records`;
const stored = () => [...sim.account(TOKEN).dns.get('example.com').records.values()];
const domains = () => [...sim.account(TOKEN).dns.domains.keys()].sort();

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 1);
  ({ api, owner, ownerCookie: cookie, sim } = started);
  sim.account(TOKEN).dns.create({ name: 'second.example' });
  const res = await send(api, cookie, 'POST', '/api/v1/clouds', {
    provider: 'digitalocean',
    title: 'DO with DNS',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
  expect(res.statusCode).toBe(201);
  cloudId = res.json().id;
});
afterAll(() => started?.close());

describe('DNS', () => {
  it('lists the zones of the cloud, read live from the provider', async () => {
    const res = await send(api, cookie, 'GET', zones());
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      { id: 'example.com', name: 'example.com', cloudId },
      { id: 'second.example', name: 'second.example', cloudId },
    ]);
  });

  it('lists records, the provider’s own marked read-only', async () => {
    const res = await send(api, cookie, 'GET', records());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.zone.name).toBe('example.com');
    const ns = body.items.find((r: { type: string }) => r.type === 'NS');
    expect(ns).toMatchObject({ name: '@', editable: false });
    expect(body.items.find((r: { type: string }) => r.type === 'CNAME')).toMatchObject({
      name: 'www',
      value: '@',
      editable: true,
    });
  });

  it('adds, changes and deletes a record, each reaching the provider and the audit trail', async () => {
    const made = await send(api, cookie, 'POST', records(), {
      name: 'app',
      type: 'A',
      ttl: 300,
      value: '198.51.100.20',
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    expect(stored().find((r) => r.id === Number(id))).toMatchObject({
      type: 'A',
      name: 'app',
      data: '198.51.100.20',
      ttl: 300,
    });

    const mx = await send(api, cookie, 'POST', records(), {
      name: '@',
      type: 'MX',
      ttl: 3600,
      value: 'mx1.example.com',
      priority: 10,
    });
    expect(mx.statusCode).toBe(201);
    expect(mx.json()).toMatchObject({ type: 'MX', value: 'mx1.example.com', priority: 10, editable: true });

    const changed = await send(api, cookie, 'PATCH', `${records()}/${id}`, {
      value: '198.51.100.21',
      ttl: 120,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id, name: 'app', type: 'A', value: '198.51.100.21', ttl: 120 });
    expect(stored().find((r) => r.id === Number(id))?.data).toBe('198.51.100.21');

    const gone = await send(api, cookie, 'DELETE', `${records()}/${id}`);
    expect(gone.statusCode).toBe(204);
    expect(stored().some((r) => r.id === Number(id))).toBe(false);

    const trail = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, action: { startsWith: 'dns.record.' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(trail.map((e) => [e.action, e.resourceId, e.result])).toEqual([
      ['dns.record.create', cloudId, 'success'],
      ['dns.record.create', cloudId, 'success'],
      ['dns.record.update', cloudId, 'success'],
      ['dns.record.delete', cloudId, 'success'],
    ]);
    expect(trail[0]?.details).toMatchObject({
      zone: 'example.com',
      name: 'app',
      type: 'A',
      value: '198.51.100.20',
    });
  });

  it('refuses records that do not fit their type with a 400 naming the field, and writes nothing', async () => {
    const before = stored().length;
    const cases: Array<[object, string, RegExp]> = [
      [{ name: 'a', type: 'A', ttl: 300, value: '2001:db8::1' }, 'body.value', /IPv4/],
      [{ name: 'a', type: 'AAAA', ttl: 300, value: '10.0.0.1' }, 'body.value', /IPv6/],
      [{ name: '@', type: 'CNAME', ttl: 300, value: 'elsewhere.net' }, 'body.name', /apex/],
      [{ name: 'm', type: 'MX', ttl: 300, value: 'mx.example.com' }, 'body.priority', /priority/],
      [
        { name: '_sip._tcp', type: 'SRV', ttl: 300, value: 'sip.example.com', priority: 1, weight: 1 },
        'body.port',
        /port/,
      ],
      [
        { name: 'sip', type: 'SRV', ttl: 300, value: 'sip.example.com', priority: 1, weight: 1, port: 5060 },
        'body.name',
        /_service/,
      ],
      [{ name: 't', type: 'TXT', ttl: 300, value: 'x'.repeat(256) }, 'body.value', /255/],
      [{ name: 'www.example.com', type: 'A', ttl: 300, value: '192.0.2.1' }, 'body.name', /relative/],
      [{ name: 'www.example.com.', type: 'A', ttl: 300, value: '192.0.2.1' }, 'body.name', /relative/],
      [{ name: 'a', type: 'A', ttl: 5, value: '192.0.2.1' }, 'body.ttl', /./],
      [{ name: 'a', type: 'A', ttl: 300, value: 7 }, 'body.value', /./],
      [{ name: 'a', type: 'SPF', ttl: 300, value: 'x' }, 'body.type', /./],
      [{ name: 'c', type: 'CAA', ttl: 300, value: 'letsencrypt.org' }, 'body.tag', /tag/],
      [{ name: 'a', type: 'A', ttl: 300, value: '192.0.2.1', extra: 1 }, 'body.extra', /./],
      [{ name: 'a\u0000b', type: 'A', ttl: 300, value: '192.0.2.1' }, 'body.name', /./],
    ];
    for (const [body, field, words] of cases) {
      const res = await send(api, cookie, 'POST', records(), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field, JSON.stringify(body)).toBe(field);
      expect(res.json().error.message).toMatch(words);
    }
    const huge = await send(api, cookie, 'POST', records(), {
      name: 'a',
      type: 'TXT',
      ttl: 300,
      value: 'x'.repeat(5_000_000),
    });
    expect(huge.statusCode).toBeGreaterThanOrEqual(400);
    expect(huge.statusCode).toBeLessThan(500);
    expect(stored().length).toBe(before);
  });

  it('an unknown zone or record is a 404, a provider-managed record a 409', async () => {
    expect((await send(api, cookie, 'GET', records('nope.example'))).statusCode).toBe(404);
    const missing = await send(api, cookie, 'PATCH', `${records()}/999999999`, { ttl: 600 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('dns_record_not_found');
    const ns = stored().find((r) => r.type === 'NS');
    const managed = await send(api, cookie, 'DELETE', `${records()}/${ns?.id}`);
    expect(managed.statusCode).toBe(409);
    expect(managed.json().error.code).toBe('dns_record_read_only');
  });

  it('another organization’s cloud is a 404, and a cloud without DNS a 400 saying so', async () => {
    const stranger = await login(api, await createOrgWithUser(api.db));
    const foreign = await send(api, stranger, 'GET', zones());
    expect(foreign.statusCode).toBe(404);
    const write = await send(api, stranger, 'POST', records(), {
      name: 'x',
      type: 'A',
      ttl: 300,
      value: '192.0.2.1',
    });
    expect(write.statusCode).toBe(404);
    const hosts = await seedCloud(api.db, owner.organizationId);
    const none = await send(api, cookie, 'GET', `/api/v1/clouds/${hosts.id}/dns/zones`);
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('dns_not_offered');
  });

  it('a member may read the zones but not change them (403), and nothing changes', async () => {
    const member = await memberCookie(api, owner.organizationId, 'member');
    expect((await send(api, member, 'GET', records())).statusCode).toBe(200);
    const before = stored().length;
    const res = await send(api, member, 'POST', records(), {
      name: 'x',
      type: 'A',
      ttl: 300,
      value: '192.0.2.1',
    });
    expect(res.statusCode).toBe(403);
    expect(stored().length).toBe(before);
  });

  it('a provider outage is a 502 in the provider’s words', async () => {
    sim.knobs.burst({ status: 500, count: 50 });
    try {
      const res = await send(api, cookie, 'GET', zones());
      expect(res.statusCode).toBe(502);
      expect(res.json().error.message).toMatch(/DigitalOcean.*Unexpected server-side error/);
    } finally {
      sim.knobs.clearFaults();
    }
  });

  it('creates a zone at the provider, lower-case and without the trailing dot, audited', async () => {
    const res = await send(api, cookie, 'POST', zones(), { name: 'New-Zone.Example.' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'new-zone.example', name: 'new-zone.example', cloudId });
    expect(domains()).toContain('new-zone.example');
    const listed = (await send(api, cookie, 'GET', zones()))
      .json()
      .items.map((z: { name: string }) => z.name);
    expect(listed).toContain('new-zone.example');

    const again = await send(api, cookie, 'POST', zones(), { name: 'new-zone.example' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'dns_zone_exists', field: 'body.name' });
    expect(again.json().error.message).toMatch(/already has a zone new-zone\.example/);

    const trail = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, action: 'dns.zone.create' },
    });
    expect(trail.map((e) => [e.resourceId, e.result, e.details])).toEqual([
      [cloudId, 'success', { zone: 'new-zone.example' }],
    ]);
  });

  it('refuses names that are not domains with a 400, and makes no zone', async () => {
    const before = domains();
    const names: unknown[] = [
      'localhost',
      'a..example',
      '-lead.example',
      'trail-.example',
      'under_score.example',
      'spa ce.example',
      `${'a'.repeat(64)}.example`,
      `${'abcdefghi.'.repeat(25)}example`,
      'nul\u0000.example',
      '',
      '.',
      42,
      'x'.repeat(100_000),
    ];
    for (const name of names) {
      const res = await send(api, cookie, 'POST', zones(), { name });
      expect(res.statusCode, JSON.stringify(name).slice(0, 80)).toBe(400);
      expect(res.json().error.field, JSON.stringify(name).slice(0, 80)).toBe('body.name');
    }
    const bad = await send(api, cookie, 'POST', zones(), { name: 'a..example' });
    expect(bad.json().error).toMatchObject({ code: 'dns_zone_invalid' });
    expect(bad.json().error.message).toMatch(/letters, digits or hyphens/);
    expect((await send(api, cookie, 'POST', zones(), { name: 'x.example', extra: 1 })).statusCode).toBe(400);
    expect(domains()).toEqual(before);
  });

  it('another organization’s cloud is a 404 and a viewer is refused (403), making and deleting nothing', async () => {
    const before = domains();
    const stranger = await login(api, await createOrgWithUser(api.db));
    const foreign = await send(api, stranger, 'POST', zones(), { name: 'stranger.example' });
    expect(foreign.statusCode).toBe(404);
    expect((await send(api, stranger, 'DELETE', `${zones()}/second.example`)).statusCode).toBe(404);
    const unknown = `/api/v1/clouds/00000000-0000-4000-8000-000000000000/dns/zones`;
    expect((await send(api, cookie, 'POST', unknown, { name: 'nowhere.example' })).statusCode).toBe(404);

    const viewer = await memberCookie(api, owner.organizationId, 'viewer');
    expect((await send(api, viewer, 'POST', zones(), { name: 'viewer.example' })).statusCode).toBe(403);
    expect((await send(api, viewer, 'DELETE', `${zones()}/second.example`)).statusCode).toBe(403);
    expect(domains()).toEqual(before);
  });

  it('refuses to delete a zone with records (409 with their count) unless forced', async () => {
    await send(api, cookie, 'POST', zones(), { name: 'doomed.example' });
    for (const value of ['192.0.2.1', '192.0.2.2']) {
      const made = await send(api, cookie, 'POST', records('doomed.example'), {
        name: 'www',
        type: 'A',
        ttl: 300,
        value,
      });
      expect(made.statusCode).toBe(201);
    }
    const refused = await send(api, cookie, 'DELETE', `${zones()}/doomed.example`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('dns_zone_not_empty');
    expect(refused.json().error.message).toMatch(/still has 2 records .*Delete them first/);
    expect(domains()).toContain('doomed.example');

    const forced = await send(api, cookie, 'DELETE', `${zones()}/doomed.example?force=true`);
    expect(forced.statusCode).toBe(204);
    expect(domains()).not.toContain('doomed.example');
    expect((await send(api, cookie, 'GET', records('doomed.example'))).statusCode).toBe(404);
    expect((await send(api, cookie, 'DELETE', `${zones()}/doomed.example`)).statusCode).toBe(404);

    const empty = await send(api, cookie, 'POST', zones(), { name: 'empty.example' });
    expect(empty.statusCode).toBe(201);
    expect((await send(api, cookie, 'DELETE', `${zones()}/empty.example`)).statusCode).toBe(204);
    expect(domains()).not.toContain('empty.example');

    const trail = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, action: 'dns.zone.delete' },
      orderBy: { createdAt: 'asc' },
    });
    expect(trail.map((e) => e.details)).toEqual([
      { zone: 'doomed.example', recordsDeleted: 2 },
      { zone: 'empty.example', recordsDeleted: 0 },
    ]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await send(api, cookie, 'GET', '/api/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/clouds/{id}/dns/zones',
        '/api/v1/clouds/{id}/dns/zones/{zoneId}',
        '/api/v1/clouds/{id}/dns/zones/{zoneId}/records',
        '/api/v1/clouds/{id}/dns/zones/{zoneId}/records/{recordId}',
      ]),
    );
  });
});
