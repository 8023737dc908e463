// Linode's recorded responses (Apache Libcloud's), replayed through the real driver and client
// over a loopback HTTP server, to pin down every field that lands in our model.

import type { ProviderDriver } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../common/json-api';
import { createLinodeDriver } from './index';

describe('Linode driver on recorded responses', () => {
  let server: ReplayServer;
  const answer = (key: string, file: string, status = 200) => server.script.set(key, { status, file });

  beforeAll(async () => {
    server = await startReplayServer(libcloudFixtures('linode_v4'), {
      status: 404,
      body: '{"errors":[{"reason":"Not found"}]}',
    });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const driver = (): ProviderDriver =>
    createLinodeDriver({
      credentials: { token: 'fixture-token' },
      endpoint: server.url,
      config: { retryAttempts: 1 },
    });

  it('maps a Linode field by field, priced from its type, private address apart', async () => {
    answer('GET /v4/linode/types?page=1&page_size=500', 'list_types.json');
    answer('GET /v4/linode/instances?page=1&page_size=500', 'list_nodes.json');
    const [first, second] = await collect(driver().listMachines(new AbortController().signal));
    expect(first).toEqual({
      externalId: '22344420',
      name: 'test_2',
      state: 'running',
      rawState: 'running',
      size: 'g6-nanode-1',
      image: 'linode/centos7',
      location: 'eu-west',
      publicIps: ['138.89.34.81', '2a01:7e00::f03c:92ff:fe48:dc47'],
      privateIps: ['192.168.1.230'],
      createdAt: new Date('2020-10-08T18:51:29Z'),
      tags: { '123': '', abcdefg: '', testing: '' },
      costMonthly: { amount: '5.0000', currency: 'USD' },
      costHourly: { amount: '0.0075', currency: 'USD' },
      extra: {
        id: 22344420,
        vcpus: 1,
        memoryMb: 1024,
        diskMb: 25600,
        transferGb: 1000,
        gpus: 0,
        group: '',
        hypervisor: 'kvm',
        backups: false,
        watchdog: true,
        updatedAt: '2020-10-08T18:51:29',
      },
    });
    expect(second).toMatchObject({
      externalId: '22344421',
      publicIps: ['156.12.197.243', '2a01:7e00::f03c:92ff:fe48:dcf2'],
    });
    expect(server.seen.every((r) => r.authorization === 'Bearer fixture-token')).toBe(true);
  });

  it('follows `pages` through a paged image list', async () => {
    answer('GET /v4/images?page=1&page_size=500', 'list_images_paginated_page_1.json');
    answer('GET /v4/images?page=2&page_size=500', 'list_images_paginated_page_2.json');
    const images = await driver().listImages();
    expect(images).toHaveLength(34);
    expect(new Set(images.map((i) => i.externalId)).size).toBe(34);
    expect(images[0]).toEqual({
      externalId: 'linode/alpine3.10',
      name: 'Alpine 3.10',
      os: 'Alpine',
      isPublic: true,
      extra: {
        type: 'manual',
        sizeMb: 300,
        deprecated: false,
        createdAt: '2019-06-20T17:17:11',
        description: null,
        status: null,
      },
    });
    expect(server.seen).toHaveLength(2);
  });

  it('maps types, regions and volumes', async () => {
    answer('GET /v4/linode/types?page=1&page_size=500', 'list_types.json');
    answer('GET /v4/regions?page=1&page_size=500', 'list_locations.json');
    answer('GET /v4/volumes?page=1&page_size=500', 'list_volumes.json');
    const d = driver();
    const sizes = await d.listSizes();
    expect(sizes).toHaveLength(28);
    expect(sizes[1]).toMatchObject({
      externalId: 'g6-standard-1',
      name: 'g6-standard-1 (Linode 2GB)',
      cpus: 1,
      memoryMb: 2048,
      diskGb: 50,
      priceHourly: { amount: '0.0150', currency: 'USD' },
      priceMonthly: { amount: '10.0000', currency: 'USD' },
    });
    const regions = await d.listLocations();
    expect(regions.map((r) => [r.externalId, r.country])).toContainEqual(['eu-west', 'GB']);
    expect(regions.find((r) => r.externalId === 'ap-west')).toMatchObject({ country: 'IN' });
    const volumes = await collect(d.listVolumes(new AbortController().signal));
    expect(volumes).toEqual([
      expect.objectContaining({
        externalId: '12345',
        name: 'Testvolume1',
        sizeGb: 100,
        state: 'in-use',
        rawState: 'active',
        location: 'eu-west',
        attachedTo: ['456353688'],
        tags: { attached_test: '' },
        createdAt: new Date('2020-10-09T17:58:44Z'),
      }),
      expect.objectContaining({ externalId: '123456', state: 'available', attachedTo: [] }),
    ]);
  });

  it('creates a Linode and a volume with the bodies Linode documents', async () => {
    answer('POST /v4/linode/instances', 'create_node.json');
    answer('POST /v4/volumes', 'create_volume.json');
    const d = driver();
    const made = await d.createMachine({
      name: 'TestNode',
      size: 'g6-nanode-1',
      image: 'linode/centos7',
      location: 'eu-west',
      sshKey: { name: 'ops', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheRecord ops ' },
      tags: { testing123: '' },
      userData: 'hello',
    });
    expect(made).toMatchObject({ externalId: '45501392', state: 'pending', rawState: 'provisioning' });
    const body = server.seen[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      label: 'TestNode',
      type: 'g6-nanode-1',
      image: 'linode/centos7',
      region: 'eu-west',
      authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheRecord ops'],
      tags: ['testing123'],
      metadata: { user_data: 'aGVsbG8=' },
      booted: true,
    });
    expect(typeof body.root_pass).toBe('string');
    expect((body.root_pass as string).length).toBeGreaterThanOrEqual(32);
    const volume = await d.volumeAction({ op: 'create', name: 'Volume1', sizeGb: 50, location: 'eu-west' });
    expect(volume).toMatchObject({ externalId: '1234', state: 'creating', attachedTo: ['22344420'] });
    expect(server.seen[1]!.body).toEqual({ label: 'Volume1', size: 50, region: 'eu-west' });
  });

  it('reports a missing Linode in its own words', async () => {
    const err = await driver()
      .machineAction('7', 'reboot')
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'not-found', message: 'Not found', options: { status: 404 } });
  });
});
