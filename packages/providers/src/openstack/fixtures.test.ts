// OpenStack's recorded responses (Apache Libcloud's), replayed through the real driver and client
// over a loopback HTTP server, to pin down every field that lands in our model. Keystone is the
// emulator's, its catalog pointing Nova, Cinder and Glance at the replay.

import type { ProviderDriver } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenStackSim, startOpenStackSim } from '../../../cloud-sim/src/openstack/index';
import { collect } from '../common/json-api';
import { createOpenStackDriver } from './index';

const folder = libcloudFixtures('openstack_v1.1');

describe('OpenStack driver on recorded responses', () => {
  let server: ReplayServer;
  let keystone: OpenStackSim;
  const answer = (key: string, file: string, status = 200) => server.script.set(key, { status, file });

  beforeAll(async () => {
    server = await startReplayServer(folder, {
      status: 404,
      body: '{"itemNotFound": {"message": "The resource could not be found.", "code": 404}}',
    });
    keystone = await startOpenStackSim({
      projects: [{ name: 'rs-reach-project' }],
      users: [{ name: 'reach', password: 'pw', projects: ['rs-reach-project'] }],
      endpoints: { compute: `${server.url}/v2.1`, volume: `${server.url}/v3/proj`, image: server.url },
    });
  });
  afterAll(() => Promise.all([server.close(), keystone.close()]));
  beforeEach(() => server.reset());

  const driver = (): ProviderDriver =>
    createOpenStackDriver({
      credentials: { username: 'reach', password: 'pw', projectName: 'rs-reach-project' },
      endpoint: keystone.authUrl,
      config: { retryAttempts: 1 },
    });

  it('maps a server field by field, addresses split by type, network and range', async () => {
    answer('GET /v2.1/servers/detail?limit=1000', '_servers_detail.json');
    const [building, active] = await collect(driver().listMachines(new AbortController().signal));
    expect(building).toEqual({
      externalId: '12065',
      name: 'lc-test-2',
      state: 'pending',
      rawState: 'BUILD',
      size: '2',
      image: '7',
      location: null,
      // "public" by name; floating by type; fixed but routable (12.16.18.28, 1.1.1.1).
      publicIps: [
        '50.57.94.35',
        '2001:4801:7808:52:16:3eff:fe47:788a',
        '12.16.18.28',
        '192.168.3.3',
        '1.1.1.1',
        '2.2.2.2',
        '172.16.1.1',
      ],
      privateIps: ['10.182.64.34', 'fec0:4801:7808:52:16:3eff:fe60:187d', '10.3.3.3'],
      createdAt: new Date('2011-10-11T00:51:39Z'),
      tags: {},
      extra: {
        taskState: 'spawning',
        vmState: 'active',
        powerState: 1,
        progress: 25,
        keyName: null,
        projectId: 'rs-reach-project',
        userId: 'rs-reach',
        hostId: '912566d83a13fbb357ea3f13c629363d9f7e1ba3f925b49f3d2ab725',
        flavorName: null,
        vcpus: null,
        ramMb: null,
        diskGb: null,
        bootFromVolume: false,
        volumeIds: [],
        fault: 'test message',
        networks: [
          'public',
          'private',
          'mynetwork',
          'mynetwork_public',
          'mynetwork_private',
          'pubnet',
          'privnet',
        ],
      },
    });
    expect(active).toMatchObject({
      externalId: '12064',
      state: 'running',
      rawState: 'ACTIVE',
      publicIps: ['50.57.94.30', '2001:4801:7808:52:16:3eff:fe77:32e3'],
    });
    // The version document was asked for, got a 404 (an old cloud), and no microversion was sent.
    expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2.1/',
      'GET /v2.1/servers/detail?limit=1000',
    ]);
  });

  it('maps a server in ERROR, booted from a volume', async () => {
    answer('GET /v2.1/servers/detail?limit=1000', '_servers_detail_ERROR_STATE.json');
    const [failed] = await collect(driver().listMachines(new AbortController().signal));
    expect(failed).toMatchObject({
      externalId: '2d05bd68-3fbb-4b47-9f38-c690a5d93e45',
      state: 'error',
      rawState: 'ERROR',
      image: null,
      size: '4',
      location: 'nova',
      privateIps: ['192.168.3.4'],
      publicIps: [],
      extra: { bootFromVolume: true, volumeIds: ['0056485c-ada5-4e44-9905-5b09a18b0139'], keyName: 'my_key' },
    });
    expect(failed!.extra.fault).toMatch(/^The server has either erred/);
  });

  it('maps flavors, with their ephemeral disk', async () => {
    answer('GET /v2.1/flavors/detail?limit=1000', '_flavors_detail.json');
    const sizes = await driver().listSizes();
    expect(sizes).toHaveLength(8);
    expect(sizes.find((s) => s.externalId === '1')).toEqual({
      externalId: '1',
      name: '256 slice',
      cpus: 1,
      memoryMb: 256,
      diskGb: 10,
      locations: [],
      extra: { ephemeralGb: 40, swapMb: 0, disabled: false, isPublic: null, description: null },
    });
  });

  it('follows Glance next links, and stops at one that leads nowhere new', async () => {
    answer('GET /v2/images?limit=1000', '_images_v2.json');
    answer('GET /v2/images?limit=1000&marker=e7a40226-3523-4f0f-87d8-d8dc91bbf4a3', '_images_v2_page2.json');
    const images = await driver().listImages();
    expect(images).toHaveLength(3);
    expect(server.seen.map((r) => r.path).filter((p) => p.startsWith('/v2/images'))).toEqual([
      '/v2/images?limit=1000',
      '/v2/images?limit=1000&marker=e7a40226-3523-4f0f-87d8-d8dc91bbf4a3',
    ]);
    expect(images[0]).toEqual({
      externalId: 'f24a3c1b-d52a-4116-91da-25b3eee8f55e',
      name: 'hypernode',
      os: 'ubuntu',
      isPublic: false,
      extra: {
        status: 'active',
        visibility: 'shared',
        minDiskGb: 40,
        minRamMb: 0,
        sizeBytes: 1256259584,
        diskFormat: 'qcow2',
        owner: 'd85e344900774f5aad27e4e8e91205d6',
        createdAt: '2017-09-11T13:00:05Z',
      },
    });
    server.reset();
    answer('GET /v2/images?limit=1000', '_images_v2_invalid_next.json');
    expect(await driver().listImages()).toHaveLength(2);
    expect(server.seen.filter((r) => r.path.startsWith('/v2/images'))).toHaveLength(1);
  });

  it('maps Cinder volumes, their attachments and an unknown state', async () => {
    answer('GET /v3/proj/volumes/detail?limit=1000', '_v2_0__volumes.json');
    const [attached, odd] = await collect(driver().listVolumes(new AbortController().signal));
    expect(attached).toEqual({
      externalId: '6edbc2f4-1507-44f8-ac0d-eed1d2608d38',
      name: 'test-volume-attachments',
      sizeGb: 2,
      state: 'in-use',
      rawState: 'in-use',
      location: 'nova',
      attachedTo: ['f4fda93b-06e0-4743-8117-bc8bcecd651b'],
      createdAt: new Date('2013-06-24T11:20:13.000Z'),
      tags: {},
      extra: {
        volumeType: 'lvmdriver-1',
        bootable: false,
        description: null,
        snapshotId: null,
        devices: ['/dev/vdb'],
      },
    });
    expect(odd).toMatchObject({
      state: 'unknown',
      rawState: 'some-unknown-state',
      attachedTo: [],
      sizeGb: 50,
    });
  });

  it('creates a server and reads it back; creates and attaches a volume', async () => {
    answer('POST /v2.1/servers', '_servers_create.json', 202);
    answer(
      'GET /v2.1/servers/26f7fbee-8ce1-4c28-887a-bfe8e4bb10fe',
      '_servers_26f7fbee_8ce1_4c28_887a_bfe8e4bb10fe.json',
    );
    const made = await driver().createMachine({
      name: 'racktest',
      size: '1',
      image: 'fcf5582a-ad13-4d98-90a6-742116f1793c',
      location: 'testaz',
      tags: { 'My Server Name': 'Apache1' },
    });
    expect(made).toMatchObject({
      externalId: '26f7fbee-8ce1-4c28-887a-bfe8e4bb10fe',
      name: 'racktest',
      state: 'pending',
      size: '1',
      location: 'testaz',
      tags: { 'My Server Name': 'Apache1' },
    });
    const create = server.seen.find((r) => r.method === 'POST')!;
    // An old Nova (no microversions) gets no `networks`: it picks the project's one.
    expect(create.body).toEqual({
      server: {
        name: 'racktest',
        flavorRef: '1',
        imageRef: 'fcf5582a-ad13-4d98-90a6-742116f1793c',
        availability_zone: 'testaz',
        metadata: { 'My Server Name': 'Apache1' },
      },
    });
    answer('POST /v3/proj/volumes', '_v2_0__volume.json', 202);
    const volume = await driver().volumeAction({ op: 'create', name: 'test', sizeGb: 1, location: 'nova' });
    expect(volume).toMatchObject({
      externalId: 'cd76a3a1-c4ce-40f6-9b9f-07a61508938d',
      state: 'available',
      sizeGb: 1,
    });
    answer('POST /v2.1/servers/12065/os-volume_attachments', '_servers_12065_os_volume_attachments.json');
    await driver().volumeAction({
      op: 'attach',
      volumeId: 'cd76a3a1-c4ce-40f6-9b9f-07a61508938d',
      machineId: '12065',
    });
    expect(server.seen.at(-1)!.body).toEqual({
      volumeAttachment: { volumeId: 'cd76a3a1-c4ce-40f6-9b9f-07a61508938d' },
    });
    // Every call carried the Keystone token, never a bearer header.
    expect(server.seen.every((r) => r.authorization === undefined)).toBe(true);
  });

  it("answers a missing server with Nova's words", async () => {
    const err = await driver()
      .machineAction('12345', 'start')
      .catch((e) => e);
    expect(err).toMatchObject({
      kind: 'not-found',
      message: 'The resource could not be found.',
      options: { status: 404, code: 'itemNotFound' },
    });
  });
});
