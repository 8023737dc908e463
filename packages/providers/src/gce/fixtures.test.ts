// The recorded Compute Engine responses, replayed through the real driver and
// @google-cloud/compute (REST transport, real OAuth exchange) over a loopback HTTP server.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  type ProviderDriver,
  ProviderError,
  type RemoteMachine,
  type ResizeDriver,
  type SnapshotDriver,
} from '@overcast/contracts';
import { libcloudFixtures } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firewallNetworkDriver } from '../common/test-support/network-driver';
import { createGceDriver } from './index';

const fixtureDir = libcloudFixtures('gce');
const fixture = (name: string) => readFileSync(path.join(fixtureDir, name), 'utf8');

const P = '/compute/v1/projects/project_name';
const Z = `${P}/zones/us-central1-a`;

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string | undefined;
  body: string;
}

/** [status, fixture file or literal JSON], by "METHOD pathname"; a page token adds " +token". */
type Script = Record<string, [number, string]>;

describe('Compute Engine driver on recorded responses', () => {
  let server: Server;
  let base: string;
  let script: Script = {};
  const seen: Seen[] = [];
  const privateKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        seen.push({
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          auth: req.headers.authorization,
          body,
        });
        if (url.pathname === '/token') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: 'ya29.fixture', expires_in: 3600, token_type: 'Bearer' }));
          return;
        }
        const key = `${req.method} ${url.pathname}${url.searchParams.get('pageToken') ? ' +token' : ''}`;
        const hit = script[key];
        res.writeHead(hit ? hit[0] : 404, { 'content-type': 'application/json' });
        if (!hit) {
          res.end(
            JSON.stringify({
              error: { code: 404, message: `no fixture for ${key}`, errors: [{ reason: 'notFound' }] },
            }),
          );
          return;
        }
        res.end(hit[1].startsWith('{') ? hit[1] : fixture(hit[1]));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    script = {};
  });

  const driver = (config: Record<string, unknown> = {}): ProviderDriver =>
    createGceDriver({
      credentials: {
        serviceAccount: {
          type: 'service_account',
          project_id: 'project_name',
          private_key_id: 'fixture',
          private_key: privateKey,
          client_email: 'fixture@project_name.iam.gserviceaccount.com',
          token_uri: `${base}/token`,
        },
      },
      endpoint: base,
      config: { retryAttempts: 1, ...config },
    });
  const api = () => seen.filter((s) => s.path !== '/token');

  it('maps aggregated instances field by field, with boot images from the disk list', async () => {
    script[`GET ${P}/aggregated/disks`] = [200, 'aggregated_disks.json'];
    script[`GET ${P}/aggregated/instances`] = [200, 'aggregated_instances.json'];
    const machines: RemoteMachine[] = [];
    for await (const m of driver().listMachines(new AbortController().signal)) machines.push(m);

    expect(seen[0]).toMatchObject({ method: 'POST', path: '/token' });
    const assertion = new URLSearchParams(seen[0]!.body).get('assertion')!;
    const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({
      iss: 'fixture@project_name.iam.gserviceaccount.com',
      aud: `${base}/token`,
    });
    expect(api().every((s) => s.auth === 'Bearer ya29.fixture')).toBe(true);
    expect(api().map((s) => [s.path, s.query.get('maxResults')])).toEqual([
      [`${P}/aggregated/disks`, '500'],
      [`${P}/aggregated/instances`, '500'],
    ]);

    expect(machines.map((m) => m.externalId)).toEqual([
      'europe-west1-a/libcloud-demo-europe-multiple-nodes-000',
      'europe-west1-a/libcloud-demo-europe-persist-node',
      'europe-west1-a/libcloud-demo-europe-np-node',
      'us-central1-a/node-name',
      'us-central2-a/libcloud-demo-persist-node',
      'us-central2-a/libcloud-demo-np-node',
      'us-central2-a/libcloud-demo-multiple-nodes-000',
      'us-central2-a/libcloud-demo-multiple-nodes-001',
    ]);
    expect(machines[0]).toEqual({
      externalId: 'europe-west1-a/libcloud-demo-europe-multiple-nodes-000',
      name: 'libcloud-demo-europe-multiple-nodes-000',
      state: 'running',
      rawState: 'RUNNING',
      size: 'n1-standard-1',
      image: 'projects/debian-cloud/global/images/debian-7-wheezy-v20131120',
      location: 'europe-west1-a',
      publicIps: ['192.158.28.252'],
      privateIps: ['10.240.122.85'],
      createdAt: new Date('2013-12-13T18:43:58.782Z'),
      tags: {},
      extra: {
        id: '10947706194464948790',
        zone: 'europe-west1-a',
        machineType:
          'https://www.googleapis.com/compute/v1/projects/project_name/zones/europe-west1-a/machineTypes/n1-standard-1',
        description: '',
        statusMessage: null,
        cpuPlatform: null,
        networkTags: ['libcloud'],
        networks: ['default'],
        disks: [
          {
            deviceName: 'libcloud-demo-europe-multiple-nodes-000',
            disk: 'libcloud-demo-europe-multiple-nodes-000',
            boot: true,
            mode: 'READ_WRITE',
            autoDelete: false,
          },
        ],
        metadataKeys: [],
        scheduling: {
          preemptible: false,
          automaticRestart: true,
          onHostMaintenance: 'MIGRATE',
          provisioningModel: null,
        },
        deletionProtection: false,
        canIpForward: false,
        lastStartTimestamp: null,
        lastStopTimestamp: null,
        selfLink:
          'https://www.googleapis.com/compute/v1/projects/project_name/zones/europe-west1-a/instances/libcloud-demo-europe-multiple-nodes-000',
      },
    });
    expect(JSON.parse(JSON.stringify(machines[0]!.extra))).toEqual(machines[0]!.extra);
    // SUSPENDED counts as stopped.
    expect(machines[7]).toMatchObject({
      name: 'libcloud-demo-multiple-nodes-001',
      state: 'stopped',
      rawState: 'SUSPENDED',
    });
    expect(machines[2]!.extra.disks).toHaveLength(2);
  });

  it('maps disks, machine types (following nextPageToken), zones and images', async () => {
    script[`GET ${P}/aggregated/disks`] = [200, 'aggregated_disks.json'];
    script[`GET ${P}/aggregated/machineTypes`] = [200, 'aggregated_machineTypes.json'];
    script[`GET ${P}/aggregated/machineTypes +token`] = [200, '{"items":{}}'];
    script[`GET ${P}/zones`] = [200, 'zones.json'];
    script[`GET ${P}/global/images`] = [200, 'global_images.json'];
    script['GET /compute/v1/projects/debian-cloud/global/images'] = [
      200,
      'projects_debian-cloud_global_images.json',
    ];
    script['GET /compute/v1/projects/ubuntu-os-cloud/global/images'] = [
      200,
      'projects_ubuntu-os-cloud_global_images.json',
    ];
    const d = driver();

    const volumes = [];
    for await (const v of d.listVolumes(new AbortController().signal)) volumes.push(v);
    expect(volumes).toHaveLength(17);
    expect(volumes.find((v) => v.externalId === 'us-central1-a/lcdisk')).toEqual({
      externalId: 'us-central1-a/lcdisk',
      name: 'lcdisk',
      sizeGb: 10,
      state: 'available',
      rawState: 'READY',
      location: 'us-central1-a',
      attachedTo: [],
      createdAt: new Date('2013-12-13T18:45:42.139Z'),
      tags: { one: '1', two: '2', three: '3' },
      extra: {
        id: '8045379695757218000',
        type: 'pd-ssd',
        description:
          'Image: https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-7-wheezy-v20131120',
        sourceImage: 'projects/debian-cloud/global/images/debian-7-wheezy-v20131120',
        sourceSnapshot: null,
        lastAttachTimestamp: null,
        lastDetachTimestamp: null,
        selfLink:
          'https://www.googleapis.com/compute/v1/projects/project_name/zones/us-central1-a/disks/lcdisk',
      },
    });

    const sizes = await d.listSizes();
    expect(
      seen.filter((s) => s.path.endsWith('/aggregated/machineTypes')).map((s) => s.query.get('pageToken')),
    ).toEqual([null, 'ChhQRVJfUFJPSkVDVF9NQUNISU5FX1RZUEUSGjYwMDUzMTk1NTY3NS5uMS1zdGFuZGFyZC04']);
    expect(sizes.find((s) => s.externalId === 'n1-standard-4')).toEqual({
      externalId: 'n1-standard-4',
      name: 'n1-standard-4 (4 vCPUs, 15 GB RAM)',
      cpus: 4,
      memoryMb: 15360,
      diskGb: null,
      locations: ['europe-west1-a', 'europe-west1-b', 'us-central1-a', 'us-central1-b', 'us-central2-a'],
      extra: {
        description: '4 vCPUs, 15 GB RAM',
        isSharedCpu: false,
        maximumPersistentDisks: 16,
        deprecated: null,
      },
    });
    expect(new Set(sizes.map((s) => s.externalId)).size).toBe(sizes.length);

    const zones = await d.listLocations();
    expect(zones.map((z) => [z.externalId, z.country])).toEqual([
      ['asia-east1-a', 'TW'],
      ['europe-west1-a', 'BE'],
      ['europe-west1-b', 'BE'],
      ['us-central1-a', 'US'],
      ['us-central1-b', 'US'],
      ['us-central2-a', 'US'],
    ]);
    expect(zones[0]).toEqual({
      externalId: 'asia-east1-a',
      name: 'asia-east1-a',
      country: 'TW',
      extra: { region: 'asia-east1', status: 'UP', deprecated: null, availableCpuPlatforms: [] },
    });
    expect(zones.find((z) => z.extra.deprecated)).toBeDefined();

    const images = await d.listImages();
    const own = images.filter((i) => !i.isPublic);
    expect(own[0]).toEqual({
      externalId: 'projects/project_name/global/images/custom-image',
      name: 'custom-image',
      os: null,
      isPublic: false,
      extra: {
        id: '7094983038334682865',
        project: 'project_name',
        family: 'custom',
        description: 'a custom image',
        diskSizeGb: 10,
        status: 'READY',
        architecture: null,
        creationTimestamp: '2017-10-26T07:58:38.442-07:00',
        labels: { foo: 'bar', one: '1', two: 'two' },
      },
    });
    const debian = images.filter((i) => i.extra.project === 'debian-cloud');
    expect(debian.length).toBeGreaterThan(0);
    expect(debian.every((i) => i.isPublic && i.os === 'debian')).toBe(true);
    // Deprecated public builds are left out.
    expect(debian.some((i) => i.name === 'debian-6-squeeze-v20130926')).toBe(false);
    expect(images.some((i) => i.extra.project === 'ubuntu-os-cloud')).toBe(true);
  });

  it('creates an instance: insert, wait for the operation, read it back', async () => {
    script[`POST ${Z}/instances`] = [200, 'zones_us-central1-a_instances_post.json'];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_instances_post/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_instances_post.json',
    ];
    script[`GET ${Z}/instances/lcnode-001`] = [200, 'zones_us-central1-a_instances_lcnode-001.json'];
    script[`GET ${Z}/disks/lcnode-001`] = [200, 'generic_disk.json'];
    const m = await driver().createMachine({
      name: 'lcnode-001',
      size: 'n1-standard-1',
      image: 'projects/debian-cloud/global/images/family/debian-7',
      location: 'us-central1-a',
      sshKey: { name: 'ops', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA ops@x' },
      tags: { env: 'prod' },
      userData: '#!/bin/sh\necho hi\n',
    });
    expect(api().map((s) => `${s.method} ${s.path}`)).toEqual([
      `POST ${Z}/instances`,
      `POST ${Z}/operations/operation-zones_us-central1-a_instances_post/wait`,
      `GET ${Z}/instances/lcnode-001`,
      `GET ${Z}/disks/lcnode-001`,
    ]);
    // toMatchObject: the client also sends empty maps (labels, resourceManagerTags) of its own.
    expect(JSON.parse(api()[0]!.body)).toMatchObject({
      name: 'lcnode-001',
      machineType: 'zones/us-central1-a/machineTypes/n1-standard-1',
      disks: [
        {
          boot: true,
          autoDelete: true,
          initializeParams: {
            sourceImage: 'projects/debian-cloud/global/images/family/debian-7',
            diskType: 'zones/us-central1-a/diskTypes/pd-balanced',
          },
        },
      ],
      networkInterfaces: [
        {
          network: 'global/networks/default',
          accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }],
        },
      ],
      labels: { env: 'prod' },
      metadata: {
        items: [
          { key: 'startup-script', value: '#!/bin/sh\necho hi\n' },
          { key: 'ssh-keys', value: 'overcast:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA ops@x' },
        ],
      },
    });
    expect(m).toMatchObject({
      externalId: 'us-central1-a/lcnode-001',
      state: 'running',
      size: 'n1-standard-1',
      image: 'projects/debian-cloud/global/images/debian-7-wheezy-v20131120',
      publicIps: ['173.255.117.19'],
      privateIps: ['10.240.168.208'],
      createdAt: new Date('2013-12-13T18:54:08.639Z'),
    });
    expect(m.extra.id).toBe('9356229693786319079');
  });

  it('reboots, destroys, attaches and detaches through zone operations', async () => {
    script[`POST ${Z}/instances/node-name/reset`] = [
      200,
      'zones_us-central1-a_instances_node-name_reset_post.json',
    ];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_instances_node-name_reset_post/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_instances_node-name_reset_post.json',
    ];
    script[`DELETE ${Z}/instances/node-name`] = [200, 'zones_us-central1-a_instances_node-name_delete.json'];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_instances_node-name_delete/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_instances_node-name_delete.json',
    ];
    script[`POST ${Z}/instances/node-name/attachDisk`] = [
      200,
      'zones_us-central1-a_instances_node-name_attachDisk_post.json',
    ];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_instances_node-name_attachDisk_post/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_instances_node-name_attachDisk_post.json',
    ];
    script[`GET ${Z}/instances/node-name`] = [200, 'zones_us-central1-a_instances_node-name.json'];
    script[`POST ${Z}/instances/node-name/detachDisk`] = [
      200,
      'zones_us-central1-a_instances_node-name_detachDisk_post.json',
    ];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_instances_node-name_detachDisk_post/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_instances_node-name_detachDisk_post.json',
    ];
    const d = driver();
    await d.machineAction('us-central1-a/node-name', 'reboot');
    await d.machineAction('us-central1-a/node-name', 'destroy');
    await d.volumeAction({
      op: 'attach',
      volumeId: 'us-central1-a/lcdisk',
      machineId: 'us-central1-a/node-name',
    });
    expect(JSON.parse(api()[4]!.body)).toEqual({
      source: 'projects/project_name/zones/us-central1-a/disks/lcdisk',
      deviceName: 'lcdisk',
      mode: 'READ_WRITE',
      autoDelete: false,
    });
    // The recorded instance has only its boot disk: detaching node-name's boot disk by device name.
    await d.volumeAction({
      op: 'detach',
      volumeId: 'us-central1-a/node-name',
      machineId: 'us-central1-a/node-name',
    });
    const detach = api().find((s) => s.path.endsWith('/detachDisk'))!;
    expect(detach.query.get('deviceName')).toBe('persistent-disk-0');
    expect(api().map((s) => `${s.method} ${s.path.replace(`${Z}/`, '')}`)).toEqual([
      'POST instances/node-name/reset',
      'POST operations/operation-zones_us-central1-a_instances_node-name_reset_post/wait',
      'DELETE instances/node-name',
      'POST operations/operation-zones_us-central1-a_instances_node-name_delete/wait',
      'POST instances/node-name/attachDisk',
      'POST operations/operation-zones_us-central1-a_instances_node-name_attachDisk_post/wait',
      'GET instances/node-name',
      'POST instances/node-name/detachDisk',
      'POST operations/operation-zones_us-central1-a_instances_node-name_detachDisk_post/wait',
    ]);
  });

  it('creates and deletes disks', async () => {
    script[`POST ${Z}/disks`] = [200, 'zones_us-central1-a_disks_post.json'];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_disks_post/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_disks_post.json',
    ];
    script[`GET ${Z}/disks/lcdisk`] = [200, 'zones_us-central1-a_disks_lcdisk.json'];
    script[`DELETE ${Z}/disks/lcdisk`] = [200, 'zones_us-central1-a_disks_lcdisk_delete.json'];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_disks_lcdisk_delete/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_disks_lcdisk_delete.json',
    ];
    const d = driver();
    const made = await d.volumeAction({
      op: 'create',
      name: 'lcdisk',
      sizeGb: 10,
      location: 'us-central1-a',
    });
    expect(JSON.parse(api()[0]!.body)).toMatchObject({
      name: 'lcdisk',
      sizeGb: '10',
      type: 'zones/us-central1-a/diskTypes/pd-balanced',
    });
    expect(made).toMatchObject({
      externalId: 'us-central1-a/lcdisk',
      sizeGb: 10,
      state: 'available',
      rawState: 'READY',
      extra: { type: 'pd-ssd' },
    });
    await d.volumeAction({ op: 'delete', volumeId: 'us-central1-a/lcdisk' });
    expect(api().at(-1)!.path).toBe(`${Z}/operations/operation-zones_us-central1-a_disks_lcdisk_delete/wait`);
  });

  it('turns recorded errors into ProviderErrors with Google words', async () => {
    script[`GET ${Z}/instances/node-name`] = [404, 'global_images_family_notfound.json'];
    const err = await driver()
      .machineAction('us-central1-a/node-name', 'rename', { name: 'other' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({
      kind: 'not-found',
      message: "The resource 'projects/project-name/global/images/family/coreos-stable' was not found",
      options: { status: 404, code: 'notFound' },
    });
    script[`GET ${Z}/instances/node-name`] = [200, 'zones_us-central1-a_instances_node-name.json'];
    const running = await driver()
      .machineAction('us-central1-a/node-name', 'rename', { name: 'other' })
      .catch((e) => e);
    expect(running).toMatchObject({ kind: 'invalid' });
    expect(running.message).toMatch(/'node-name' is RUNNING/);
  });

  const networkDriver = () => firewallNetworkDriver(driver(), 'the Compute Engine driver');

  it('reads recorded networks and subnetworks, with the instances in each', async () => {
    script[`GET ${P}/global/networks`] = [200, 'global_networks.json'];
    script[`GET ${P}/aggregated/instances`] = [200, 'aggregated_instances.json'];
    script[`GET ${P}/aggregated/subnetworks`] = [200, 'aggregated_subnetworks.json'];
    const d = networkDriver();
    const networks = await d.listNetworks(new AbortController().signal);
    expect(
      networks.map((n) => [n.externalId, n.cidr, n.isDefault, n.extra.mode, n.machineIds.length]),
    ).toEqual([
      ['cf', null, false, 'auto', 0],
      ['custom', null, false, 'custom', 0],
      ['default', '10.240.0.0/16', true, 'legacy', 8],
    ]);
    const subnets = await d.listSubnets(new AbortController().signal);
    expect(subnets.map((s) => [s.externalId, s.networkId, s.cidr, s.location])).toContainEqual([
      'us-central1/cf-972cf02e6ad49112',
      'cf',
      '10.128.0.0/20',
      'us-central1',
    ]);
    expect(subnets).toHaveLength(4);
  });

  it('reads recorded firewall rules as firewalls by network and target tags', async () => {
    script[`GET ${P}/global/networks`] = [200, 'global_networks.json'];
    script[`GET ${P}/aggregated/instances`] = [200, 'aggregated_instances.json'];
    script[`GET ${P}/global/firewalls`] = [200, 'global_firewalls.json'];
    const firewalls = await networkDriver().listFirewalls(new AbortController().signal);
    const byId = new Map(firewalls.map((f) => [f.externalId, f]));
    expect([...byId.keys()].sort()).toEqual([
      'cf',
      'custom',
      'default',
      'default#www-tag',
      'libcloud-demo-europe-network',
      'libcloud-demo-network',
    ]);
    // Rules without ports open every port; their instances are every one in the network.
    expect(byId.get('default')!.rules).toEqual([
      { direction: 'ingress', protocol: 'udp', fromPort: 0, toPort: 65535, cidrs: ['10.240.0.0/16'] },
      { direction: 'ingress', protocol: 'tcp', fromPort: 0, toPort: 65535, cidrs: ['10.240.0.0/16'] },
      { direction: 'ingress', protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['10.240.0.0/16'] },
      { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] },
    ]);
    expect(byId.get('default')!.machineIds).toHaveLength(8);
    // www-firewall aims at instances tagged www-tag, which none of the recorded ones are.
    expect(byId.get('default#www-tag')).toMatchObject({
      name: 'default: tagged www-tag',
      networkId: 'default',
      machineIds: [],
      rules: [{ direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['0.0.0.0/0'] }],
    });
  });

  it('adds a rule as a new Compute Engine firewall and waits for its global operation', async () => {
    script[`GET ${P}/global/firewalls`] = [200, 'global_firewalls.json'];
    script[`POST ${P}/global/firewalls`] = [200, 'global_firewalls_post.json'];
    script[`POST ${P}/global/operations/operation-global_firewalls_post/wait`] = [
      200,
      'operations_operation_global_firewalls_post.json',
    ];
    await networkDriver().addFirewallRule('default#www-tag', {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrs: ['0.0.0.0/0'],
    });
    const insert = api().find((s) => s.method === 'POST' && s.path === `${P}/global/firewalls`)!;
    expect(JSON.parse(insert.body)).toMatchObject({
      network: 'projects/project_name/global/networks/default',
      direction: 'INGRESS',
      allowed: [{ IPProtocol: 'tcp', ports: ['443'] }],
      sourceRanges: ['0.0.0.0/0'],
      targetTags: ['www-tag'],
    });
    expect(api().at(-1)!.path).toBe(`${P}/global/operations/operation-global_firewalls_post/wait`);
  });

  it('takes, lists and deletes disk snapshots of a machine, one per disk, by their labels', async () => {
    const SN = 'us-central1-a/stopped-node';
    script[`GET ${Z}/instances/stopped-node`] = [200, 'zones_us_central1_a_instances_stopped_node.json'];
    // The recorded disk, as made from the image the aggregated disk list records for it.
    script[`GET ${Z}/disks/lcdisk`] = [
      200,
      JSON.stringify({
        ...JSON.parse(fixture('zones_us-central1-a_disks_lcdisk.json')),
        sourceImage:
          'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-7-wheezy-v20131120',
      }),
    ];
    script[`POST ${Z}/disks/lcdisk/createSnapshot`] = [
      200,
      'zones_us-central1-a_disks_lcdisk_createSnapshot_post.json',
    ];
    script[`POST ${Z}/operations/operation-zones_us-central1-a_disks_lcdisk_createSnapshot_post/wait`] = [
      200,
      'operations_operation_zones_us-central1-a_disks_lcdisk_createSnapshot_post.json',
    ];
    const d = driver() as ProviderDriver & SnapshotDriver;
    await d.createSnapshot(SN, 'Before the upgrade');
    const sent = JSON.parse(api().find((s) => s.path.endsWith('/createSnapshot'))!.body);
    expect(sent).toEqual({
      name: expect.stringMatching(/^ovc-[0-9a-f-]{36}-0$/),
      description: 'Before the upgrade',
      labels: {
        'overcast-machine': '4006034190819017667',
        'overcast-snapshot': expect.any(String),
        // The device the disk is attached as, which a revert puts the new disk back under.
        'overcast-device': 'persistent-disk-0',
        // The disk's image, which a disk made from the snapshot will not name (see disk-image.ts).
        'overcast-image-project': 'debian-cloud',
        'overcast-image': 'debian-7-wheezy-v20131120',
      },
    });

    // The recorded project's snapshots were not taken by Overcast: none is this machine's.
    script[`GET ${P}/global/snapshots`] = [200, 'global_snapshots.json'];
    expect(await d.listSnapshots(SN)).toEqual([]);
    expect(api().at(-1)!.query.get('filter')).toBe('labels.overcast-machine="4006034190819017667"');

    // The same recording, as it reads once labelled like the snapshot just taken.
    const recorded = JSON.parse(fixture('global_snapshots.json'));
    recorded.items[0].labels = sent.labels;
    recorded.items[0].description = 'Before the upgrade';
    script[`GET ${P}/global/snapshots`] = [200, JSON.stringify(recorded)];
    const [listed, ...rest] = await d.listSnapshots(SN);
    expect(rest).toEqual([]);
    expect(listed).toEqual({
      externalId: sent.labels['overcast-snapshot'],
      name: 'Before the upgrade',
      state: 'available',
      createdAt: new Date('2013-12-16T21:03:51.345Z'),
      sizeGb: 1,
    });

    script[`DELETE ${P}/global/snapshots/lcsnapshot`] = [200, 'global_snapshots_lcsnapshot_delete.json'];
    script[`POST ${P}/global/operations/operation-global_snapshots_lcsnapshot_delete/wait`] = [
      200,
      'operations_operation_global_snapshots_lcsnapshot_delete.json',
    ];
    await d.deleteSnapshot(SN, listed!.externalId);
    expect(api().at(-2)).toMatchObject({ method: 'DELETE', path: `${P}/global/snapshots/lcsnapshot` });
  });

  it('changes the machine type of a stopped instance and reports the refusal of a running one', async () => {
    script[`POST ${Z}/instances/stopped-node/setMachineType`] = [
      200,
      'zones_us_central1_a_instances_stopped_node_setMachineType.json',
    ];
    script[`POST ${Z}/operations/operation-setMachineType/wait`] = [
      200,
      'zones_us_central1_a_operations_operation_setMachineType.json',
    ];
    const d = driver() as ProviderDriver & ResizeDriver;
    await d.resizeMachine('us-central1-a/stopped-node', 'n1-standard-2');
    expect(JSON.parse(api()[0]!.body)).toEqual({
      machineType: 'zones/us-central1-a/machineTypes/n1-standard-2',
    });

    script[`POST ${Z}/instances/node-name/setMachineType`] = [
      200,
      'zones_us_central1_a_instances_node_name_setMachineType.json',
    ];
    script[`POST ${Z}/operations/operation-setMachineType-notstopped/wait`] = [
      200,
      'zones_us_central1_a_operations_operation_setMachineType_notstopped.json',
    ];
    const refused = await d
      .resizeMachine('us-central1-a/node-name', 'n1-standard-2')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ kind: 'conflict' });
    expect((refused as ProviderError).message).toBe(
      "The resource 'projects/project_name/zones/us-central1-a/instances/node-name' is not ready: Compute Engine changes the machine type only of a stopped instance; stop 'node-name' first.",
    );
  });
});
