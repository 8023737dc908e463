import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { libcloudFixtures } from '@overcast/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTokenApi } from '../common/token-api-call';
import { type DigitalOceanSim, startDigitalOceanSim } from './index';
import { missingStructure } from './shape';

const fixtureDir = libcloudFixtures('digitalocean_v2');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8'));

function sshPublicKey(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const raw = der.subarray(der.length - 32);
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.concat([
    Buffer.from([0, 0, 0, type.length]),
    type,
    Buffer.from([0, 0, 0, raw.length]),
    raw,
  ]);
  return `ssh-ed25519 ${blob.toString('base64')} test@example`;
}

describe('DigitalOcean emulator', () => {
  let sim: DigitalOceanSim;
  const call = (method: string, p: string, body?: unknown, token = 'tok-a') =>
    callTokenApi(sim, method, p, body, token);

  beforeAll(async () => {
    sim = await startDigitalOceanSim({
      accounts: [
        { token: 'tok-a', droplets: 45, namePrefix: 'alpha' },
        { token: 'tok-b', droplets: 5, namePrefix: 'beta' },
      ],
      bootDelayMs: 30,
      actionDelayMs: 0,
    });
  });
  afterAll(() => sim.close());

  describe('has the structure of the recorded responses', () => {
    it('droplet list, with pagination links', async () => {
      const page = await call('GET', '/v2/droplets?page=1&per_page=20');
      expect(missingStructure(fixture('list_nodes.json'), page.json, '$', ['$.links'])).toEqual([]);
      expect(missingStructure(fixture('list_nodes_page_1.json'), page.json)).toEqual([]);
      expect(page.json.meta.total).toBe(45);
      expect(page.json.links.pages.next).toBe(`${sim.url}/v2/droplets?page=2&per_page=20`);
      expect(page.json.links.pages.last).toBe(`${sim.url}/v2/droplets?page=3&per_page=20`);
      const last = await call('GET', '/v2/droplets?page=3&per_page=20');
      expect(last.json.droplets).toHaveLength(5);
      expect(Object.keys(last.json.links.pages).sort()).toEqual(['first', 'prev']);
    });

    it('single droplet, sizes, images, regions, keys', async () => {
      const id = (await call('GET', '/v2/droplets?per_page=1')).json.droplets[0].id;
      expect(
        missingStructure(fixture('list_node.json'), (await call('GET', `/v2/droplets/${id}`)).json),
      ).toEqual([]);
      expect(missingStructure(fixture('list_sizes.json'), (await call('GET', '/v2/sizes')).json)).toEqual([]);
      expect(missingStructure(fixture('list_images.json'), (await call('GET', '/v2/images')).json)).toEqual(
        [],
      );
      expect(
        missingStructure(fixture('list_locations.json'), (await call('GET', '/v2/regions')).json),
      ).toEqual([]);
      const created = await call('POST', '/v2/account/keys', { name: 'k', public_key: sshPublicKey() });
      expect(created.status).toBe(201);
      expect(missingStructure(fixture('create_key_pair.json'), created.json)).toEqual([]);
      expect(
        missingStructure(fixture('list_key_pairs.json'), (await call('GET', '/v2/account/keys')).json),
      ).toEqual([]);
    });

    it('volumes and volume actions', async () => {
      const empty = await call('GET', '/v2/volumes', undefined, 'tok-b');
      expect(missingStructure(fixture('list_volumes_empty.json'), empty.json)).toEqual([]);
      const made = await call('POST', '/v2/volumes', {
        name: 'shape-vol',
        size_gigabytes: 4,
        region: 'nyc1',
      });
      expect(made.status).toBe(201);
      expect(missingStructure(fixture('create_volume.json'), made.json)).toEqual([]);
      expect(missingStructure(fixture('list_volumes.json'), (await call('GET', '/v2/volumes')).json)).toEqual(
        [],
      );
      const droplet = (await call('GET', '/v2/droplets?per_page=200')).json.droplets.find(
        (d: { region: { slug: string } }) => d.region.slug === 'nyc1',
      );
      const attach = await call('POST', `/v2/volumes/${made.json.volume.id}/actions`, {
        type: 'attach',
        droplet_id: droplet.id,
      });
      expect(attach.status).toBe(202);
      expect(missingStructure(fixture('attach_volume.json'), attach.json)).toEqual([]);
      const detach = await call('POST', `/v2/volumes/${made.json.volume.id}/actions`, {
        type: 'detach',
        droplet_id: droplet.id,
      });
      expect(missingStructure(fixture('detach_volume.json'), detach.json)).toEqual([]);
    });

    it('droplet actions and errors', async () => {
      const id = (await call('GET', '/v2/droplets?per_page=1')).json.droplets[0].id;
      const reboot = await call('POST', `/v2/droplets/${id}/actions`, { type: 'reboot' });
      expect(reboot.status).toBe(201);
      // Old recordings give `region` as a bare slug; the current API nests the region object.
      expect(missingStructure(fixture('reboot_node.json'), reboot.json, '$', ['$.action.region'])).toEqual(
        [],
      );
      const bad = await call('POST', '/v2/droplets', {
        name: 'x',
        size: 's-1vcpu-1gb',
        region: 'nyc3',
        image: 'nope',
      });
      expect(bad.status).toBe(422);
      expect(bad.json).toEqual(fixture('error_invalid_image.json'));
    });
  });

  it('answers an unknown token with 401 in DigitalOcean words', async () => {
    const res = await call('GET', '/v2/droplets', undefined, 'who-knows');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ id: 'Unauthorized', message: 'Unable to authenticate you.' });
    expect(missingStructure(fixture('error.json'), res.json)).toEqual([]);
  });

  it('shows each token only its own account', async () => {
    const a = (await call('GET', '/v2/droplets?per_page=200')).json;
    const b = (await call('GET', '/v2/droplets?per_page=200', undefined, 'tok-b')).json;
    expect(b.meta.total).toBe(5);
    expect(b.droplets.every((d: { name: string }) => d.name.startsWith('beta-'))).toBe(true);
    expect(a.droplets.some((d: { name: string }) => d.name.startsWith('beta-'))).toBe(false);
    const foreign = b.droplets[0].id;
    expect((await call('GET', `/v2/droplets/${foreign}`)).status).toBe(404);
    expect((await call('DELETE', `/v2/droplets/${foreign}`)).status).toBe(404);
  });

  it('sends rate-limit headers and turns a 429 burst into too_many_requests with Retry-After', async () => {
    const ok = await call('GET', '/v2/account');
    expect(ok.headers.get('ratelimit-limit')).toBe('5000');
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeLessThan(5000);
    expect(Number(ok.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 3 });
    const limited = await call('GET', '/v2/account');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json.id).toBe('too_many_requests');
    sim.knobs.burst({ status: 500, count: 1 });
    const broken = await call('GET', '/v2/account');
    expect(broken.status).toBe(500);
    expect(broken.json).toEqual({ id: 'server_error', message: 'Unexpected server-side error' });
  });

  it('enforces its own per-token budget', async () => {
    const tight = await startDigitalOceanSim({
      accounts: [{ token: 't' }],
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    try {
      const get = () => fetch(`${tight.url}/v2/account`, { headers: { authorization: 'Bearer t' } });
      expect((await get()).status).toBe(200);
      expect((await get()).headers.get('ratelimit-remaining')).toBe('0');
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await tight.close();
    }
  });

  it('moves droplets through new -> active -> off -> active and deletes them', async () => {
    const created = await call('POST', '/v2/droplets', {
      name: 'life',
      size: 's-1vcpu-1gb',
      region: 'ams3',
      image: 'debian-12-x64',
      tags: ['x'],
    });
    expect(created.status).toBe(202);
    expect(created.json.droplet.status).toBe('new');
    expect(created.json.droplet.networks.v4).toEqual([]);
    const id = created.json.droplet.id;
    const actionId = created.json.links.actions[0].id;
    expect((await call('GET', `/v2/actions/${actionId}`)).json.action.status).toBe('in-progress');
    expect((await call('POST', `/v2/droplets/${id}/actions`, { type: 'power_off' })).json.message).toBe(
      'Droplet already has a pending event.',
    );
    await new Promise((r) => setTimeout(r, 40));
    const booted = (await call('GET', `/v2/droplets/${id}`)).json.droplet;
    expect(booted.status).toBe('active');
    expect(booted.networks.v4.map((n: { type: string }) => n.type).sort()).toEqual(['private', 'public']);
    expect((await call('GET', `/v2/actions/${actionId}`)).json.action.status).toBe('completed');

    await call('POST', `/v2/droplets/${id}/actions`, { type: 'shutdown' });
    expect((await call('GET', `/v2/droplets/${id}`)).json.droplet.status).toBe('off');
    const again = await call('POST', `/v2/droplets/${id}/actions`, { type: 'power_off' });
    expect(again.status).toBe(422);
    await call('POST', `/v2/droplets/${id}/actions`, { type: 'power_on' });
    await call('POST', `/v2/droplets/${id}/actions`, { type: 'rename', name: 'renamed' });
    const after = (await call('GET', `/v2/droplets/${id}`)).json.droplet;
    expect([after.status, after.name]).toEqual(['active', 'renamed']);
    expect(
      (await call('GET', '/v2/droplets?tag_name=x')).json.droplets.map((d: { id: number }) => d.id),
    ).toEqual([id]);

    expect((await call('DELETE', `/v2/droplets/${id}`)).status).toBe(204);
    expect((await call('GET', `/v2/droplets/${id}`)).status).toBe(404);
  });

  it('lets tests change the world from outside', async () => {
    const account = sim.account('tok-b');
    const [first] = account.listDroplets();
    account.mutateDroplet(first!.id, { status: 'archive' });
    expect((await call('GET', `/v2/droplets/${first!.id}`, undefined, 'tok-b')).json.droplet.status).toBe(
      'archive',
    );
    account.removeDroplet(first!.id);
    expect((await call('GET', '/v2/droplets', undefined, 'tok-b')).json.meta.total).toBe(4);
  });

  it('never falls over on bad input', async () => {
    expect((await call('POST', '/v2/droplets', '{not json')).status).toBe(400);
    expect((await call('POST', '/v2/droplets', [1, 2])).status).toBe(422);
    expect((await call('POST', '/v2/droplets', { name: 5 })).status).toBe(422);
    expect((await call('POST', '/v2/droplets/abc/actions', { type: 'reboot' })).status).toBe(404);
    expect((await call('GET', '/v2/droplets/%E0%A4%A')).status).toBe(404);
    expect((await call('POST', '/v2/volumes', { name: 'UPPER', size_gigabytes: 'x' })).status).toBe(422);
    expect(
      (await call('POST', '/v2/account/keys', { name: 'k', public_key: 'ssh-rsa not-base64!' })).status,
    ).toBe(422);
    expect((await call('GET', '/v2/droplets?page=-4&per_page=99999')).status).toBe(200);
    expect((await call('GET', '/v2/nothing-here')).status).toBe(404);
    expect((await call('PATCH', '/v2/droplets')).status).toBe(405);
  });

  it('seeds 100k droplets quickly and the same way every time', async () => {
    const started = Date.now();
    const big = await startDigitalOceanSim({
      accounts: [{ token: 'big', droplets: 100_000, namePrefix: 'big' }],
    });
    const twin = await startDigitalOceanSim({
      accounts: [{ token: 'big', droplets: 100_000, namePrefix: 'big' }],
    });
    try {
      expect(Date.now() - started).toBeLessThan(5_000);
      const lastPage = async (s: DigitalOceanSim) =>
        (await (
          await fetch(`${s.url}/v2/droplets?page=500&per_page=200`, {
            headers: { authorization: 'Bearer big' },
          })
        ).json()) as {
          droplets: unknown[];
          meta: { total: number };
        };
      const [x, y] = await Promise.all([lastPage(big), lastPage(twin)]);
      expect(x.meta.total).toBe(100_000);
      expect(x.droplets).toHaveLength(200);
      expect(x.droplets).toEqual(y.droplets);
    } finally {
      await Promise.all([big.close(), twin.close()]);
    }
  });
});
