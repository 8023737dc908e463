// The OpenStack emulator on the wire: Keystone's token and refusals, the shapes of Nova, Cinder,
// Glance and Keystone objects against recorded ones (Apache Libcloud's), paging and throttling.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { libcloudFixtures } from '@overcast/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingStructure } from '../digitalocean/shape';
import { type OpenStackSim, startOpenStackSim } from './index';

const fixture = (set: 'openstack_v1.1' | 'openstack_identity', name: string) =>
  JSON.parse(readFileSync(path.join(libcloudFixtures(set), name), 'utf8'));

describe('OpenStack emulator', () => {
  let sim: OpenStackSim;
  let token = '';
  let projectId = '';
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sim.url}${p}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  const auth = (user: Record<string, unknown>, scope?: unknown) =>
    call('POST', '/v3/auth/tokens', {
      auth: { identity: { methods: ['password'], password: { user } }, ...(scope ? { scope } : {}) },
    });

  beforeAll(async () => {
    sim = await startOpenStackSim({
      projects: [{ name: 'demo', domain: 'Customers', servers: 7 }],
      users: [{ name: 'demo', domain: 'Staff', password: 'pw', projects: ['demo'] }],
      rateLimit: { limit: 60, windowMs: 60_000 },
    });
    const answer = await auth(
      { name: 'demo', domain: { name: 'Staff' }, password: 'pw' },
      { project: { name: 'demo', domain: { name: 'Customers' } } },
    );
    expect(answer.status).toBe(201);
    token = answer.headers.get('x-subject-token')!;
    projectId = answer.json.token.project.id;
  });
  afterAll(() => sim.close());

  it('issues a token in X-Subject-Token with a catalog, and refuses as Keystone does', async () => {
    expect(token).toMatch(/^gAAAA/);
    const ok = await auth(
      { name: 'demo', domain: { name: 'Staff' }, password: 'pw' },
      { project: { name: 'demo', domain: { name: 'Customers' } } },
    );
    expect(ok.json.token.catalog.map((s: { type: string }) => s.type)).toEqual([
      'identity',
      'compute',
      'block-storage',
      'volumev3',
      'image',
      'network',
      'dns',
    ]);
    const wrong = await auth({ name: 'demo', domain: { name: 'Default' }, password: 'pw' });
    expect(wrong).toMatchObject({
      status: 401,
      json: {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      },
    });
    const noDomain = await auth({ name: 'demo', password: 'pw' });
    expect(noDomain.status).toBe(400);
    const bad = await call('GET', '/RegionOne/compute/v2.1/servers', undefined, { 'x-auth-token': 'nope' });
    expect(bad.status).toBe(401);
    const versions = await call('GET', '/');
    expect(versions.status).toBe(300);
    expect(
      missingStructure(fixture('openstack_identity', 'v3/v3_versions.json'), versions.json, '$', [
        '$.versions.values[].media-types',
      ]),
    ).toEqual([]);
  });

  it('answers servers, volumes and images in the recorded shapes', async () => {
    const servers = await call('GET', '/RegionOne/compute/v2.1/servers/detail');
    expect(servers.json.servers).toHaveLength(7);
    const recorded = fixture('openstack_v1.1', '_servers_26f7fbee_8ce1_4c28_887a_bfe8e4bb10fe.json').server;
    expect(
      missingStructure(recorded, servers.json.servers[0], '$', [
        '$.progress',
        '$.config_drive',
        '$.metadata',
      ]),
    ).toEqual([]);
    const volume = await call('POST', `/RegionOne/volume/v3/${projectId}/volumes`, {
      volume: { size: 1, name: 'v' },
    });
    expect(volume.status).toBe(202);
    expect(
      missingStructure(fixture('openstack_v1.1', '_v2_0__volume.json'), volume.json, '$', [
        '$.volume.os-vol-host-attr:host',
      ]),
    ).toEqual([]);
    const images = await call('GET', '/RegionOne/image/v2/images?limit=2');
    const recordedImages = fixture('openstack_v1.1', '_images_v2.json');
    expect(
      missingStructure(recordedImages.images[0], images.json.images[0], '$', [
        '$.image_location',
        '$.image_state',
        '$.kernel_id',
        '$.ramdisk_id',
        '$.locations',
        '$.base_image_ref',
        '$.instance_uuid',
        '$.user_id',
        '$.image_type',
        '$.os_type',
        '$.direct_url',
        '$.owner_id',
      ]),
    ).toEqual([]);
    expect(images.json.next).toMatch(/^\/v2\/images\?marker=[0-9a-f-]+&limit=2$/);
  });

  it('pages servers by marker with a next link, and refuses an unknown marker', async () => {
    const first = await call('GET', '/RegionOne/compute/v2.1/servers/detail?limit=5');
    expect(first.json.servers).toHaveLength(5);
    expect(first.json.servers_links[0].rel).toBe('next');
    const last = first.json.servers[4].id;
    const second = await call('GET', `/RegionOne/compute/v2.1/servers/detail?limit=5&marker=${last}`);
    expect(second.json.servers).toHaveLength(2);
    expect(second.json.servers_links).toBeUndefined();
    const unknown = await call('GET', '/RegionOne/compute/v2.1/servers/detail?marker=nope');
    expect(unknown).toMatchObject({
      status: 400,
      json: { badRequest: { code: 400, message: 'marker [nope] not found' } },
    });
  });

  it('embeds the flavor from microversion 2.47, and refuses one it does not have', async () => {
    const old = await call('GET', '/RegionOne/compute/v2.1/servers/detail?limit=1');
    expect(Object.keys(old.json.servers[0].flavor).sort()).toEqual(['id', 'links']);
    const v247 = await call('GET', '/RegionOne/compute/v2.1/servers/detail?limit=1', undefined, {
      'openstack-api-version': 'compute 2.47',
    });
    expect(v247.headers.get('openstack-api-version')).toBe('compute 2.47');
    expect(v247.json.servers[0].flavor).toMatchObject({ original_name: 'm1.medium', vcpus: 2, ram: 4096 });
    const future = await call('GET', '/RegionOne/compute/v2.1/servers', undefined, {
      'openstack-api-version': 'compute 2.999',
    });
    expect(future.status).toBe(406);
  });

  it('throttles a token past its budget with Retry-After', async () => {
    const small = await startOpenStackSim({
      projects: [{ name: 'p' }],
      users: [{ name: 'u', password: 'pw', projects: ['p'] }],
      rateLimit: { limit: 1, windowMs: 60_000 },
    });
    try {
      const res = await fetch(`${small.url}/RegionOne/compute/v2.1/servers`, {
        headers: { 'x-auth-token': 'x' },
      });
      expect(res.status).toBe(401);
      const again = await fetch(`${small.url}/RegionOne/compute/v2.1/servers`, {
        headers: { 'x-auth-token': 'x' },
      });
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await again.json()).toMatchObject({
        overLimit: { code: 429, message: 'This request was rate-limited.' },
      });
    } finally {
      await small.close();
    }
  });
});
