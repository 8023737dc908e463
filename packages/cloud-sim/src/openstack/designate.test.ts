// Designate v2 on the wire, as a client that is not our driver sees it: the catalog's dns
// endpoint, zones and record sets answering 202 PENDING and turning ACTIVE, `links.next` paging,
// Designate's error bodies, and a cloud without Designate.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenStackSim, startOpenStackSim } from './index';

const DELAY_MS = 400;
const options = {
  projects: [{ name: 'demo' }],
  users: [{ name: 'demo', password: 'pw', projects: ['demo'] }],
  actionDelayMs: DELAY_MS,
};

/** A token for demo, and the catalog's public dns endpoint (undefined when it has none). */
async function signIn(sim: OpenStackSim) {
  const res = await fetch(`${sim.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'pw' } },
        },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    }),
  });
  const catalog = (await res.json()).token.catalog as Array<{
    type: string;
    endpoints: Array<{ interface: string; url: string }>;
  }>;
  const dns = catalog.find((s) => s.type === 'dns')?.endpoints.find((e) => e.interface === 'public')?.url;
  return { token: res.headers.get('x-subject-token')!, dns };
}

describe('Designate on the emulator', () => {
  let sim: OpenStackSim;
  let root = '';
  let token = '';
  const designate = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(path.startsWith('http') ? path : `${root}${path}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const settle = () => new Promise((r) => setTimeout(r, DELAY_MS + 20));

  beforeAll(async () => {
    sim = await startOpenStackSim(options);
    const session = await signIn(sim);
    token = session.token;
    root = session.dns!;
  });
  afterAll(() => sim.close());

  it('names Designate in the catalog, and a cloud without it has neither the entry nor the path', async () => {
    expect(root).toBe(`${sim.url}/RegionOne/dns`);
    const bare = await startOpenStackSim({ ...options, dns: false });
    try {
      const session = await signIn(bare);
      expect(session.dns).toBeUndefined();
      const res = await fetch(`${bare.url}/RegionOne/dns/v2/zones`, {
        headers: { 'x-auth-token': session.token },
      });
      expect(res.status).toBe(404);
    } finally {
      await bare.close();
    }
  });

  it('makes a zone PENDING that turns ACTIVE, with its SOA and NS, and refuses a duplicate', async () => {
    const made = await designate('POST', '/v2/zones', {
      name: 'example.com.',
      email: 'hostmaster@example.com',
    });
    expect(made.status).toBe(202);
    expect(made.json).toMatchObject({
      name: 'example.com.',
      status: 'PENDING',
      action: 'CREATE',
      type: 'PRIMARY',
    });
    const dup = await designate('POST', '/v2/zones', {
      name: 'example.com.',
      email: 'hostmaster@example.com',
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ code: 409, type: 'duplicate_zone', message: 'Duplicate Zone' });
    const bad = await designate('POST', '/v2/zones', { name: 'example.com', email: 'x@y.z' });
    expect(bad).toMatchObject({ status: 400, json: { type: 'invalid_object' } });
    await settle();
    const read = await designate('GET', `/v2/zones/${made.json.id}`);
    expect(read.json).toMatchObject({ status: 'ACTIVE', action: 'NONE' });
    const sets = await designate('GET', `/v2/zones/${made.json.id}/recordsets`);
    expect(sets.json.recordsets.map((s: { type: string }) => s.type)).toEqual(['SOA', 'NS']);
    expect(sets.json.metadata).toEqual({ total_count: 2 });
  });

  it('changes record sets asynchronously, pages them by links.next, and refuses in Designate’s words', async () => {
    const zone = (await designate('GET', '/v2/zones?name=example.com.')).json.zones[0];
    const sets = `/v2/zones/${zone.id}/recordsets`;
    const www = await designate('POST', sets, {
      name: 'www.example.com.',
      type: 'A',
      ttl: 300,
      records: ['203.0.113.1'],
    });
    expect(www).toMatchObject({
      status: 202,
      json: { status: 'PENDING', action: 'CREATE', records: ['203.0.113.1'] },
    });
    expect((await designate('GET', `/v2/zones/${zone.id}`)).json).toMatchObject({
      status: 'PENDING',
      action: 'UPDATE',
    });
    const dup = await designate('POST', sets, {
      name: 'www.example.com.',
      type: 'A',
      records: ['203.0.113.2'],
    });
    expect(dup).toMatchObject({
      status: 409,
      json: { type: 'duplicate_recordset', message: 'Duplicate RecordSet' },
    });
    const outside = await designate('POST', sets, {
      name: 'www.other.org.',
      type: 'A',
      records: ['203.0.113.2'],
    });
    expect(outside).toMatchObject({ status: 400, json: { type: 'invalid_recordset_location' } });
    const changed = await designate('PUT', `${sets}/${www.json.id}`, { records: ['203.0.113.9'], ttl: 60 });
    expect(changed).toMatchObject({
      status: 202,
      json: { action: 'UPDATE', ttl: 60, records: ['203.0.113.9'] },
    });
    await settle();
    expect((await designate('GET', `${sets}/${www.json.id}`)).json).toMatchObject({
      status: 'ACTIVE',
      action: 'NONE',
    });

    const first = await designate('GET', `${sets}?limit=2`);
    expect(first.json.recordsets).toHaveLength(2);
    const second = await designate('GET', first.json.links.next);
    expect(second.json.recordsets.map((s: { name: string }) => s.name)).toEqual(['www.example.com.']);
    expect(second.json.links.next).toBeUndefined();

    const ns = first.json.recordsets.find((s: { type: string }) => s.type === 'NS');
    const apex = await designate('DELETE', `${sets}/${ns.id}`);
    expect(apex).toMatchObject({ status: 403, json: { type: 'forbidden' } });
    const gone = await designate('DELETE', `${sets}/${www.json.id}`);
    expect(gone).toMatchObject({ status: 202, json: { status: 'PENDING', action: 'DELETE' } });
    await settle();
    expect(await designate('GET', `${sets}/${www.json.id}`)).toMatchObject({
      status: 404,
      json: { type: 'recordset_not_found', message: 'Could not find RecordSet' },
    });
    const deleted = await designate('DELETE', `/v2/zones/${zone.id}`);
    expect(deleted).toMatchObject({ status: 202, json: { action: 'DELETE', status: 'PENDING' } });
    await settle();
    expect(await designate('GET', `/v2/zones/${zone.id}`)).toMatchObject({
      status: 404,
      json: { code: 404, type: 'zone_not_found', message: 'Could not find Zone' },
    });
  });
});
