// The recorded DigitalOcean responses, replayed through the real driver and dots-wrapper over a
// loopback HTTP server, to pin down every field that lands in our model.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ProviderDriver, ProviderError, type RemoteMachine } from '@overcast/contracts';
import { libcloudFixtures } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDigitalOceanDriver } from './index';

const fixtureDir = libcloudFixtures('digitalocean_v2');
const fixture = (name: string) => readFileSync(path.join(fixtureDir, name), 'utf8');

interface Seen {
  method: string;
  path: string;
  auth: string | undefined;
  body: unknown;
}

/** Answers [status, fixture file] by "METHOD /path?query"; anything else is a 404 in DO's words. */
type Script = Record<string, [number, string]>;

describe('DigitalOcean driver on recorded responses', () => {
  let server: Server;
  let base: string;
  let script: Script = {};
  /** Answers served once, before the script, for "first fails, then works" cases. */
  let once: Record<string, Array<{ status: number; headers: Record<string, string>; body: string }>> = {};
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const key = `${req.method} ${req.url}`;
        seen.push({
          method: req.method ?? '',
          path: req.url ?? '',
          auth: req.headers.authorization,
          body: raw ? JSON.parse(raw) : undefined,
        });
        const early = once[key]?.shift();
        if (early) {
          res.writeHead(early.status, { 'content-type': 'application/json', ...early.headers });
          res.end(early.body);
          return;
        }
        const hit = script[key];
        if (!hit) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"id":"not_found","message":"The resource you were accessing could not be found."}');
          return;
        }
        res.writeHead(hit[0], { 'content-type': 'application/json' });
        res.end(hit[1] ? fixture(hit[1]) : '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    script = {};
    once = {};
  });

  const driver = (config: Record<string, unknown> = {}): ProviderDriver =>
    createDigitalOceanDriver({
      credentials: { token: 'fixture-token' },
      endpoint: base,
      config: { retryAttempts: 1, shutdownWaitMs: 0, ...config },
    });

  const all = async (it: AsyncIterable<RemoteMachine>) => {
    const out: RemoteMachine[] = [];
    for await (const m of it) out.push(m);
    return out;
  };

  it('maps a current droplet field by field', async () => {
    script['GET /v2/droplets?page=1&per_page=200'] = [200, 'list_nodes.json'];
    const [m] = await all(driver().listMachines(new AbortController().signal));
    expect(m).toEqual({
      externalId: '3164444',
      name: 'ubuntu-s-1vcpu-1gb-sfo3-01',
      state: 'running',
      rawState: 'active',
      size: 's-1vcpu-1gb',
      image: 'ubuntu-20-04-x64',
      location: 'sfo3',
      publicIps: ['128.199.13.158', '2604:a880:4:1d0::142:9000'],
      privateIps: ['10.124.0.2'],
      createdAt: new Date('2020-10-15T13:58:22Z'),
      tags: {},
      costMonthly: { amount: '5.0000', currency: 'USD' },
      costHourly: { amount: '0.00744', currency: 'USD' },
      extra: {
        id: 3164444,
        vcpus: 1,
        memoryMb: 1024,
        diskGb: 25,
        locked: false,
        features: ['private_networking', 'ipv6'],
        kernel: null,
        imageId: 69463186,
        imageName: '20.04 (LTS) x64',
        imageDistribution: 'Ubuntu',
        regionName: 'San Francisco 3',
        volumeIds: [],
        backupIds: [],
        snapshotIds: [],
        nextBackupWindow: null,
        vpcUuid: '11e7ec07-6abf-4a06-86fd-3eedb53d7458',
      },
    });
    expect(JSON.parse(JSON.stringify(m!.extra))).toEqual(m!.extra);
    expect(seen[0]!.auth).toBe('Bearer fixture-token');
  });

  it('follows links.pages.next and copes with older droplets that carry no size object', async () => {
    script['GET /v2/droplets?page=1&per_page=1'] = [200, 'list_nodes_page_1.json'];
    script['GET /v2/droplets?page=2&per_page=1'] = [200, 'list_nodes.json'];
    const machines = await all(driver({ perPage: 1 }).listMachines(new AbortController().signal));
    expect(seen.map((s) => s.path)).toEqual([
      '/v2/droplets?page=1&per_page=1',
      '/v2/droplets?page=2&per_page=1',
    ]);
    expect(machines).toHaveLength(2);
    const old = machines[0]!;
    expect(old).toMatchObject({
      externalId: '3164444',
      name: 'example.com',
      state: 'running',
      size: '512mb',
      image: 'ubuntu-14-04-x64',
      location: 'nyc3',
      publicIps: ['104.236.32.182', '2604:A880:0800:0010:0000:0000:02DD:4001'],
      privateIps: [],
      createdAt: new Date('2014-11-14T16:29:21Z'),
    });
    expect(old.costMonthly).toBeUndefined();
    expect(old.extra.kernel).toEqual({
      id: 2233,
      name: 'Ubuntu 14.04 x64 vmlinuz-3.13.0-37-generic',
      version: '3.13.0-37-generic',
    });
    expect(old.extra.backupIds).toEqual([7938002]);
  });

  it('stops at an empty page', async () => {
    script['GET /v2/droplets?page=1&per_page=200'] = [200, 'list_nodes_empty.json'];
    expect(await all(driver().listMachines(new AbortController().signal))).toEqual([]);
  });

  it('maps volumes, sizes, images and regions', async () => {
    script['GET /v2/volumes?page=1&per_page=200'] = [200, 'list_volumes.json'];
    script['GET /v2/sizes?page=1&per_page=200'] = [200, 'list_sizes.json'];
    script['GET /v2/images?page=1&per_page=200'] = [200, 'list_images.json'];
    script['GET /v2/regions?page=1&per_page=200'] = [200, 'list_locations.json'];
    const d = driver();
    const volumes = [];
    for await (const v of d.listVolumes(new AbortController().signal)) volumes.push(v);
    expect(volumes).toEqual([
      {
        externalId: '62766883-2c28-11e6-b8e6-000f53306ae1',
        name: 'example',
        sizeGb: 4,
        state: 'available',
        rawState: '',
        location: 'nyc1',
        attachedTo: [],
        createdAt: new Date('2016-06-06T20:51:04Z'),
        tags: {},
        extra: {
          description: 'Block store for examples',
          filesystemType: null,
          filesystemLabel: null,
          regionName: 'New York 1',
        },
      },
    ]);
    expect(await d.listSizes()).toEqual([
      {
        externalId: '512mb',
        name: '512mb',
        cpus: 1,
        memoryMb: 512,
        diskGb: 20,
        priceHourly: { amount: '0.00744', currency: 'USD' },
        priceMonthly: { amount: '5.0000', currency: 'USD' },
        locations: ['nyc1', 'ams1', 'sfo1'],
        extra: { transferTb: 1, available: true, description: null },
      },
      {
        externalId: '1gb',
        name: '1gb',
        cpus: 2,
        memoryMb: 1024,
        diskGb: 30,
        priceHourly: { amount: '0.01488', currency: 'USD' },
        priceMonthly: { amount: '10.0000', currency: 'USD' },
        locations: ['nyc1', 'ams1', 'sfo1'],
        extra: { transferTb: 2, available: true, description: null },
      },
    ]);
    const images = await d.listImages();
    expect(images.map((i) => [i.externalId, i.name, i.os, i.isPublic])).toEqual([
      ['ubuntu-14-04-x64', 'Ubuntu 14.04 x64', 'Ubuntu', true],
      ['ubuntu-14-04-x32', 'Ubuntu 14.04 x32', 'Ubuntu', true],
      // A private snapshot has an empty slug: its id is the handle.
      ['449676856', 'Ubuntu My Snapshot', 'Ubuntu', false],
    ]);
    expect(images[2]!.extra).toMatchObject({ id: 449676856, regions: ['nyc1', 'nyc3'], minDiskSizeGb: 40 });
    expect(await d.listLocations()).toEqual([
      {
        externalId: 'nyc1',
        name: 'New York 1',
        country: 'US',
        extra: {
          available: true,
          features: ['virtio', 'private_networking', 'backups', 'ipv6'],
          sizes: ['1gb', '512mb'],
        },
      },
      {
        externalId: 'sfo1',
        name: 'San Francisco 1',
        country: 'US',
        extra: { available: true, features: ['virtio', 'backups'], sizes: ['1gb', '512mb'] },
      },
      {
        externalId: 'ams1',
        name: 'Amsterdam 1',
        country: 'NL',
        extra: { available: false, features: ['virtio', 'backups'], sizes: ['1gb', '512mb'] },
      },
    ]);
  });

  it('creates a droplet with the SSH key uploaded the DigitalOcean way', async () => {
    const publicKey = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQsxRiUKn example';
    script['POST /v2/account/keys'] = [201, 'create_key_pair.json'];
    script['POST /v2/droplets'] = [202, 'list_node.json'];
    const m = await driver().createMachine({
      name: 'example.com',
      size: '8gb',
      image: '12089443',
      location: 'nyc3',
      sshKey: { name: 'test1', publicKey },
      tags: { mytag1: '', env: 'prod' },
      userData: '#cloud-config\n',
    });
    expect(seen.map((s) => `${s.method} ${s.path.replace(/[0-9a-f]{2}(:[0-9a-f]{2}){15}/, '<fp>')}`)).toEqual(
      ['GET /v2/account/keys/<fp>', 'POST /v2/account/keys', 'POST /v2/droplets'],
    );
    expect(seen[1]!.body).toEqual({ name: 'test1', public_key: publicKey });
    expect(seen[2]!.body).toEqual({
      name: 'example.com',
      size: '8gb',
      image: 12089443,
      region: 'nyc3',
      ssh_keys: [7717],
      tags: ['mytag1', 'env:prod'],
      user_data: '#cloud-config\n',
    });
    expect(m).toMatchObject({
      externalId: '3164444',
      name: 'example.com',
      state: 'running',
      size: '8gb',
      image: '12089443',
      publicIps: ['36.123.0.123'],
      tags: { mytag1: '', mytag2: '' },
      createdAt: new Date('2015-11-10T11:01:41Z'),
      costMonthly: { amount: '80.0000', currency: 'USD' },
      costHourly: { amount: '0.11905', currency: 'USD' },
    });
  });

  it('sends actions as DigitalOcean action types', async () => {
    script['POST /v2/droplets/12345/actions'] = [201, 'reboot_node.json'];
    script['DELETE /v2/droplets/12345'] = [204, ''];
    const d = driver();
    await d.machineAction('12345', 'start');
    await d.machineAction('12345', 'stop');
    await d.machineAction('12345', 'reboot');
    await d.machineAction('12345', 'rename', { name: 'new-name' });
    await d.machineAction('12345', 'destroy');
    expect(seen.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/v2/droplets/12345/actions', { type: 'power_on' }],
      ['POST', '/v2/droplets/12345/actions', { type: 'shutdown' }],
      ['POST', '/v2/droplets/12345/actions', { type: 'reboot' }],
      ['POST', '/v2/droplets/12345/actions', { type: 'rename', name: 'new-name' }],
      ['DELETE', '/v2/droplets/12345', undefined],
    ]);
    await expect(d.machineAction('not-a-number', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.machineAction('12345', 'rename')).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('waits for the graceful shutdown to settle when asked to', async () => {
    script['POST /v2/droplets/3164450/actions'] = [201, 'ex_shutdown_node.json'];
    script['GET /v2/actions/36077293'] = [200, 'create_node.json'];
    await driver({ shutdownWaitMs: 1000, actionPollMs: 1 }).machineAction('3164450', 'stop');
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /v2/droplets/3164450/actions',
      'GET /v2/actions/36077293',
    ]);
  });

  it('runs volume operations', async () => {
    script['POST /v2/volumes'] = [201, 'create_volume.json'];
    script['POST /v2/volumes/62766883-2c28-11e6-b8e6-000f53306ae1/actions'] = [202, 'attach_volume.json'];
    script['DELETE /v2/volumes/62766883-2c28-11e6-b8e6-000f53306ae1'] = [204, ''];
    const d = driver();
    const id = '62766883-2c28-11e6-b8e6-000f53306ae1';
    const made = await d.volumeAction({ op: 'create', name: 'example', sizeGb: 4, location: 'nyc1' });
    expect(made).toMatchObject({
      externalId: id,
      name: 'example',
      sizeGb: 4,
      location: 'nyc1',
      state: 'available',
    });
    await d.volumeAction({ op: 'attach', volumeId: id, machineId: '3164444' });
    await d.volumeAction({ op: 'detach', volumeId: id, machineId: '3164444' });
    await d.volumeAction({ op: 'delete', volumeId: id });
    expect(seen.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/v2/volumes', { name: 'example', size_gigabytes: 4, region: 'nyc1' }],
      ['POST', `/v2/volumes/${id}/actions`, { type: 'attach', droplet_id: 3164444 }],
      ['POST', `/v2/volumes/${id}/actions`, { type: 'detach', droplet_id: 3164444 }],
      ['DELETE', `/v2/volumes/${id}`, undefined],
    ]);
  });

  it('waits for ratelimit-reset when a 429 carries no Retry-After', async () => {
    once['GET /v2/account'] = [
      {
        status: 429,
        headers: {
          'ratelimit-limit': '5000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        },
        body: '{"id":"too_many_requests","message":"API Rate limit exceeded."}',
      },
      { status: 200, headers: {}, body: '{"account":{"status":"active","email":"a@example.com"}}' },
    ];
    const started = Date.now();
    await driver({ retryAttempts: 3, retryBaseDelayMs: 1 }).validate();
    expect(seen.map((s) => s.path)).toEqual(['/v2/account', '/v2/account']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    once['GET /v2/account'] = [
      { status: 429, headers: {}, body: '{"id":"too_many_requests","message":"API Rate limit exceeded."}' },
    ];
    const limited = await driver({ retryAttempts: 1 })
      .validate()
      .catch((e) => e);
    expect(limited).toMatchObject({
      kind: 'throttled',
      message: 'API Rate limit exceeded.',
      options: { status: 429 },
    });
  });

  it('turns recorded errors into ProviderErrors with DigitalOcean words', async () => {
    script['GET /v2/account'] = [401, 'error.json'];
    script['POST /v2/droplets'] = [422, 'error_invalid_image.json'];
    const d = driver();
    const auth = await d.validate().catch((e) => e);
    expect(auth).toBeInstanceOf(ProviderError);
    expect(auth).toMatchObject({ kind: 'auth', message: 'Unable to authenticate you.' });
    const invalid = await d
      .createMachine({ name: 'x', size: 's-1vcpu-1gb', image: 'nope', location: 'nyc3' })
      .catch((e) => e);
    expect(invalid).toMatchObject({
      kind: 'invalid',
      message: 'You specified an invalid image for Droplet creation.',
      options: { status: 422, code: 'unprocessable_entity' },
    });
    const missing = await d.machineAction('1', 'reboot').catch((e) => e);
    expect(missing).toMatchObject({ kind: 'not-found' });
  });
});
