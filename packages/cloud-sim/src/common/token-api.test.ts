// The Hetzner Cloud, Linode and Vultr emulators on the wire: their answers carry every field of
// the providers' recorded ones, they page and err as the providers do, and every machine they
// invent lives on loopback.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { libcloudFixtures } from '@overcast/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingStructure } from '../digitalocean/shape';
import { type HetznerSim, startHetznerSim } from '../hetzner/index';
import { type LinodeSim, startLinodeSim } from '../linode/index';
import { startVultrSim, type VultrSim } from '../vultr/index';
import { callTokenApi } from './token-api-call';

const recorded = (set: 'linode_v4' | 'vultr_v2', name: string) =>
  JSON.parse(readFileSync(path.join(libcloudFixtures(set), name), 'utf8'));

const call = callTokenApi;

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

describe('Hetzner Cloud emulator', () => {
  let sim: HetznerSim;
  beforeAll(async () => {
    sim = await startHetznerSim({ projects: [{ token: 'tok', servers: 60 }], bootDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('pages with page and per_page, described in meta.pagination', async () => {
    const first = await call(sim, 'GET', '/v1/servers?per_page=25');
    expect(first.json.servers).toHaveLength(25);
    expect(first.json.meta.pagination).toEqual({
      page: 1,
      per_page: 25,
      previous_page: null,
      next_page: 2,
      last_page: 3,
      total_entries: 60,
    });
    const last = await call(sim, 'GET', '/v1/servers?page=3&per_page=25');
    expect(last.json.servers).toHaveLength(10);
    expect(last.json.meta.pagination).toMatchObject({ previous_page: 2, next_page: null });
    expect((await call(sim, 'GET', '/v1/servers?per_page=500')).json.servers).toHaveLength(50);
    expect(first.headers.get('ratelimit-limit')).toBe('3600');
  });

  it("errs in Hetzner's format", async () => {
    expect(await call(sim, 'GET', '/v1/servers', undefined, 'wrong')).toEqual({
      status: 401,
      headers: expect.anything(),
      json: { error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } },
    });
    expect((await call(sim, 'GET', '/v1/servers/1')).json.error).toMatchObject({
      code: 'not_found',
      message: "server with ID '1' not found",
    });
    expect((await call(sim, 'POST', '/v1/servers', '{not json')).status).toBe(400);
    expect((await call(sim, 'PATCH', '/v1/servers')).status).toBe(405);
  });

  it('gives servers, seeded and created, loopback addresses only', async () => {
    const made = await call(sim, 'POST', '/v1/servers', {
      name: 'new',
      server_type: 'cx22',
      image: 'debian-12',
    });
    expect(made.status).toBe(201);
    expect(made.json.root_password).toEqual(expect.any(String));
    const all = (await call(sim, 'GET', '/v1/servers?per_page=50&page=2')).json.servers as Array<{
      public_net: { ipv4: { ip: string } };
      private_net: Array<{ ip: string }>;
    }>;
    for (const s of all) {
      expect(s.public_net.ipv4.ip).toMatch(LOOPBACK);
      for (const n of s.private_net) expect(n.ip).toMatch(LOOPBACK);
    }
  });
});

describe('Linode emulator', () => {
  let sim: LinodeSim;
  beforeAll(async () => {
    sim = await startLinodeSim({ accounts: [{ token: 'tok', linodes: 130 }], bootDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('answers with every field of the recorded Linode answers', async () => {
    const list = await call(sim, 'GET', '/v4/linode/instances');
    const ignore = ['$.data[].ipv6', '$.data[].group'];
    expect(missingStructure(recorded('linode_v4', 'list_nodes.json'), list.json, '$', ignore)).toEqual([]);
    expect(
      missingStructure(
        recorded('linode_v4', 'list_types.json'),
        (await call(sim, 'GET', '/v4/linode/types')).json,
        '$',
        ['$.data[].addons'],
      ),
    ).toEqual([]);
    expect(
      missingStructure(
        recorded('linode_v4', 'list_locations.json'),
        (await call(sim, 'GET', '/v4/regions')).json,
        '$',
        ['$.data[].resolvers'],
      ),
    ).toEqual([]);
    expect(
      missingStructure(
        recorded('linode_v4', 'list_images_paginated_page_1.json'),
        (await call(sim, 'GET', '/v4/images')).json,
        '$',
        ['$.data[].eol', '$.data[].expiry'],
      ),
    ).toEqual([]);
    const volume = await call(sim, 'POST', '/v4/volumes', { label: 'data', size: 20, region: 'us-east' });
    expect(missingStructure(recorded('linode_v4', 'create_volume.json'), volume.json)).toEqual([]);
  });

  it('pages with page and page_size (25 to 500) up to pages', async () => {
    const first = await call(sim, 'GET', '/v4/linode/instances?page_size=25');
    expect(first.json).toMatchObject({ page: 1, pages: 6, results: 130 });
    expect(first.json.data).toHaveLength(25);
    expect((await call(sim, 'GET', '/v4/linode/instances?page=6&page_size=25')).json.data).toHaveLength(5);
    expect((await call(sim, 'GET', '/v4/linode/instances?page_size=5')).json.data).toHaveLength(25);
    expect(first.headers.get('x-ratelimit-limit')).toBe('1600');
  });

  it("errs in Linode's format, naming the field", async () => {
    expect((await call(sim, 'GET', '/v4/profile', undefined, 'wrong')).json).toEqual({
      errors: [{ reason: 'Invalid Token' }],
    });
    const bad = await call(sim, 'POST', '/v4/linode/instances', {
      label: 'ok-label',
      type: 'nope',
      region: 'us-east',
    });
    expect(bad).toMatchObject({
      status: 400,
      json: { errors: [{ field: 'type', reason: 'A valid plan type by that ID was not found' }] },
    });
  });

  it('gives Linodes, seeded and created, loopback addresses only', async () => {
    await call(sim, 'POST', '/v4/linode/instances', {
      label: 'fresh',
      type: 'g6-nanode-1',
      region: 'us-east',
      image: 'linode/debian12',
      root_pass: 'a-Long-Password-1',
    });
    const all = (await call(sim, 'GET', '/v4/linode/instances?page_size=500')).json.data as Array<{
      ipv4: string[];
    }>;
    expect(all).toHaveLength(131);
    for (const l of all) for (const ip of l.ipv4) expect(ip).toMatch(LOOPBACK);
  });
});

describe('Vultr emulator', () => {
  let sim: VultrSim;
  beforeAll(async () => {
    sim = await startVultrSim({
      accounts: [{ token: 'tok', instances: 45 }],
      bootDelayMs: 0,
      rateLimit: { limit: 1_000, windowMs: 1_000 },
    });
  });
  afterAll(() => sim.close());

  it('answers with every field of the recorded Vultr answers', async () => {
    const ignore = ['$.instances[].kvm', '$.instances[].tag'];
    expect(
      missingStructure(
        recorded('vultr_v2', 'list_nodes.json'),
        (await call(sim, 'GET', '/v2/instances')).json,
        '$',
        ignore,
      ),
    ).toEqual([]);
    expect(
      missingStructure(recorded('vultr_v2', 'list_sizes.json'), (await call(sim, 'GET', '/v2/plans')).json),
    ).toEqual([]);
    expect(
      missingStructure(
        recorded('vultr_v2', 'list_locations.json'),
        (await call(sim, 'GET', '/v2/regions')).json,
      ),
    ).toEqual([]);
    expect(
      missingStructure(
        recorded('vultr_v2', 'list_images_paginated_1.json'),
        (await call(sim, 'GET', '/v2/os')).json,
      ),
    ).toEqual([]);
    const block = await call(sim, 'POST', '/v2/blocks', { region: 'ewr', size_gb: 15, label: 'test4' });
    expect(block.status).toBe(202);
    expect(missingStructure(recorded('vultr_v2', 'create_volume.json'), block.json)).toEqual([]);
    expect(block.json.block.cost).toBe(1.5);
  });

  it('pages with a cursor in meta.links, and refuses a forged one', async () => {
    const first = await call(sim, 'GET', '/v2/instances?per_page=20');
    expect(first.json.instances).toHaveLength(20);
    expect(first.json.meta).toEqual({ total: 45, links: { next: expect.any(String), prev: '' } });
    const second = await call(sim, 'GET', `/v2/instances?per_page=20&cursor=${first.json.meta.links.next}`);
    const third = await call(sim, 'GET', `/v2/instances?per_page=20&cursor=${second.json.meta.links.next}`);
    expect(third.json.instances).toHaveLength(5);
    expect(third.json.meta.links.next).toBe('');
    const ids = [...first.json.instances, ...second.json.instances, ...third.json.instances].map((i) => i.id);
    expect(new Set(ids).size).toBe(45);
    expect(await call(sim, 'GET', '/v2/instances?cursor=bm9wZQ')).toMatchObject({
      status: 400,
      json: { error: 'Invalid cursor.', status: 400 },
    });
  });

  it('spends a per-second budget per key, then answers 429 with Retry-After', async () => {
    const small = await startVultrSim({
      accounts: [{ token: 'tok' }],
      rateLimit: { limit: 2, windowMs: 1_000 },
    });
    try {
      await call(small, 'GET', '/v2/account');
      await call(small, 'GET', '/v2/account');
      const third = await call(small, 'GET', '/v2/account');
      expect(third).toMatchObject({
        status: 429,
        json: { error: 'Rate limit reached - please try your request again later.', status: 429 },
      });
      expect(third.headers.get('retry-after')).toBe('1');
    } finally {
      await small.close();
    }
  });

  it('gives instances, seeded and created, loopback addresses only', async () => {
    const made = await call(sim, 'POST', '/v2/instances', {
      region: 'ewr',
      plan: 'vc2-1c-1gb',
      os_id: 2136,
      label: 'x',
    });
    expect(made.status).toBe(202);
    expect(made.json.instance.default_password).toEqual(expect.any(String));
    const all = (await call(sim, 'GET', '/v2/instances?per_page=500')).json.instances as Array<{
      main_ip: string;
    }>;
    expect(all).toHaveLength(46);
    for (const i of all) expect(i.main_ip).toMatch(LOOPBACK);
  });
});
