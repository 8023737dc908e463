// Vultr's recorded responses (Apache Libcloud's), replayed through the real driver and client
// over a loopback HTTP server, to pin down every field that lands in our model.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProviderDriver } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../common/json-api';
import { createVultrDriver } from './index';

const folder = libcloudFixtures('vultr_v2');

describe('Vultr driver on recorded responses', () => {
  let server: ReplayServer;
  const answer = (key: string, file: string, status = 200) => server.script.set(key, { status, file });

  beforeAll(async () => {
    server = await startReplayServer(folder, {
      status: 404,
      body: '{"error":"Invalid instance-id.","status":404}',
    });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const driver = (): ProviderDriver =>
    createVultrDriver({
      credentials: { token: 'fixture-key' },
      endpoint: server.url,
      config: { retryAttempts: 1 },
    });

  it('maps an instance field by field, priced from its plan', async () => {
    answer('GET /v2/plans?per_page=500', 'list_sizes.json');
    answer('GET /v2/instances?per_page=500', 'list_nodes.json');
    const [first, , third] = await collect(driver().listMachines(new AbortController().signal));
    expect(first).toEqual({
      externalId: '123',
      name: 'test1',
      state: 'running',
      rawState: 'running',
      size: 'vc2-1c-2gb',
      image: '477',
      location: 'fra',
      publicIps: ['45.76.83.44'],
      privateIps: [],
      createdAt: new Date('2021-09-01T13:25:48Z'),
      tags: {},
      costMonthly: { amount: '10.0000', currency: 'USD' },
      costHourly: undefined,
      extra: {
        status: 'active',
        powerStatus: 'running',
        serverStatus: 'ok',
        os: 'Debian 11 x64',
        hostname: null,
        vcpus: 1,
        memoryMb: 2048,
        diskGb: 55,
        bandwidthGb: 2000,
        appId: 0,
        imageId: null,
        features: [],
        firewallGroupId: null,
      },
    });
    // Still installing: running power, not yet a running machine; its VPC address is private.
    expect(third).toMatchObject({
      state: 'pending',
      rawState: 'installingbooting',
      publicIps: ['209.250.231.249'],
      privateIps: ['10.8.96.3'],
    });
    expect(server.seen.every((r) => r.authorization === 'Bearer fixture-key')).toBe(true);
  });

  it('follows meta.links.next through a paged OS list', async () => {
    answer('GET /v2/os?per_page=500', 'list_images_paginated_1.json');
    answer('GET /v2/os?per_page=500&cursor=bmV4dF9fMjMw', 'list_images_paginated_2.json');
    answer('GET /v2/os?per_page=500&cursor=bmV4dF9fNDAx', 'list_images_paginated_3.json');
    const images = await driver().listImages();
    expect(images).toHaveLength(30);
    expect(images[0]).toEqual({
      externalId: '124',
      name: 'Windows 2012 R2 x64',
      os: 'windows',
      isPublic: true,
      extra: { arch: 'x64' },
    });
    expect(server.seen).toHaveLength(3);
  });

  it('maps plans, regions and block storage', async () => {
    answer('GET /v2/plans?per_page=500', 'list_sizes.json');
    answer('GET /v2/regions?per_page=500', 'list_locations.json');
    answer('GET /v2/blocks?per_page=500', 'list_volumes.json');
    const d = driver();
    const sizes = await d.listSizes();
    expect(sizes).toHaveLength(21);
    expect(sizes[0]).toMatchObject({
      externalId: 'vc2-1c-1gb',
      cpus: 1,
      memoryMb: 1024,
      diskGb: 25,
      priceMonthly: { amount: '5.0000', currency: 'USD' },
      priceHourly: undefined,
    });
    expect(sizes[0]!.locations).toContain('ams');
    expect((await d.listLocations())[0]).toEqual({
      externalId: 'ams',
      name: 'Amsterdam',
      country: 'NL',
      extra: { continent: 'Europe', options: ['ddos_protection'] },
    });
    expect(await collect(d.listVolumes(new AbortController().signal))).toEqual([
      {
        externalId: '123',
        name: 'test1',
        sizeGb: 10,
        state: 'available',
        rawState: 'active',
        location: 'lax',
        attachedTo: [],
        createdAt: new Date('2021-09-02T08:27:19Z'),
        tags: {},
        costMonthly: { amount: '1.0000', currency: 'USD' },
        extra: { mountId: 'lax-5fff2de3d2934e', blockType: null },
      },
      expect.objectContaining({ externalId: '1234', name: '1234', location: 'ewr' }),
    ]);
  });

  it('finds an uploaded key by its body, then creates an instance and a volume', async () => {
    const key = readFileSync(path.join(folder, 'list_key_pairs.json'), 'utf8');
    const publicKey = (JSON.parse(key) as { ssh_keys: Array<{ ssh_key: string }> }).ssh_keys[0]!.ssh_key;
    answer('GET /v2/ssh-keys?per_page=500', 'list_key_pairs.json');
    answer('POST /v2/instances', 'create_node.json', 202);
    answer('POST /v2/blocks', 'create_volume.json', 202);
    const d = driver();
    const made = await d.createMachine({
      name: 'test123',
      size: 'vc2-1c-1gb',
      image: '446',
      location: 'ams',
      sshKey: { name: 'tester', publicKey: `${publicKey} someone@laptop` },
      tags: { dimgal1223444: '' },
      userData: 'hello',
    });
    // A new instance's 0.0.0.0 is no address yet.
    expect(made).toMatchObject({
      externalId: '123',
      state: 'pending',
      rawState: 'pending',
      publicIps: [],
      privateIps: ['10.7.96.6'],
      tags: { dimgal1223444: '' },
    });
    expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/ssh-keys?per_page=500',
      'POST /v2/instances',
    ]);
    expect(server.seen[1]!.body).toEqual({
      region: 'ams',
      plan: 'vc2-1c-1gb',
      os_id: 446,
      label: 'test123',
      hostname: 'test123',
      sshkey_id: ['123'],
      tags: ['dimgal1223444'],
      user_data: 'aGVsbG8=',
    });
    const volume = await d.volumeAction({ op: 'create', name: 'test4', sizeGb: 15, location: 'ewr' });
    expect(volume).toMatchObject({
      externalId: 'ec6d1ecc-aa70-4f18-8edd-887a258b1b45',
      state: 'creating',
      costMonthly: { amount: '1.5000', currency: 'USD' },
    });
    expect(server.seen[2]!.body).toEqual({ region: 'ewr', size_gb: 15, label: 'test4' });
  });

  it('reports a missing instance in its own words', async () => {
    const err = await driver()
      .machineAction('bccc8184-ae8b-49d9-ab7c-2dd5c507a4fd', 'start')
      .catch((e) => e);
    expect(err).toMatchObject({
      kind: 'not-found',
      message: 'Invalid instance-id.',
      options: { status: 404 },
    });
  });
});
