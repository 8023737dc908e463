// The real driver and the real SDK against EC2 responses recorded by Apache Libcloud.

import type {
  ProviderDriver,
  RemoteMachine,
  RemoteVolume,
  ResizeDriver,
  SnapshotDriver,
} from '@overcast/contracts';
import { ProviderError } from '@overcast/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsDriver } from './index';
import { mapInstanceState } from './map-machine';
import { type Answer, type FixtureServer, startFixtureServer } from './test-support/fixture-server';

let server: FixtureServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function driverFor(
  routes: Record<string, Answer | Answer[]>,
  config: Record<string, unknown> = {},
): Promise<ProviderDriver> {
  server = await startFixtureServer(routes);
  return createAwsDriver({
    credentials: { accessKeyId: 'AKIDFIXTURE', secretAccessKey: 'secret' },
    endpoint: server.url,
    config: { regions: ['us-east-1'], retry: { attempts: 1 }, ...config },
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const byId = <T extends { externalId: string }>(list: T[], id: string): T => {
  const found = list.find((x) => x.externalId === id);
  if (!found) throw new Error(`${id} not in ${list.map((x) => x.externalId).join(', ')}`);
  return found;
};

describe('EC2 state mapping', () => {
  it('maps every EC2 state, transitional ones to where they are heading', () => {
    expect(mapInstanceState('pending')).toBe('pending');
    expect(mapInstanceState('running')).toBe('running');
    expect(mapInstanceState('stopping')).toBe('stopped');
    expect(mapInstanceState('stopped')).toBe('stopped');
    expect(mapInstanceState('shutting-down')).toBe('terminated');
    expect(mapInstanceState('terminated')).toBe('terminated');
    expect(mapInstanceState('something-new')).toBe('unknown');
    expect(mapInstanceState(undefined)).toBe('unknown');
  });
});

describe('recorded EC2 responses through the driver', () => {
  it('lists machines from describe_instances.xml with every field of our model', async () => {
    const driver = await driverFor({ DescribeInstances: { file: 'describe_instances.xml' } });
    const machines = await collect(driver.listMachines(new AbortController().signal));
    expect(machines.map((m) => m.externalId)).toEqual(['i-4382922a', 'i-8474834a']);

    const classic = byId(machines, 'i-4382922a');
    expect(classic).toMatchObject<Partial<RemoteMachine>>({
      name: 'i-4382922a',
      state: 'stopped',
      rawState: 'stopped',
      size: 'm1.small',
      image: 'ami-3215fe5a',
      location: 'us-east-1d',
      publicIps: ['1.2.3.4'],
      privateIps: ['10.211.11.211'],
      tags: {},
    });
    expect(classic.createdAt?.toISOString()).toBe('2013-12-02T11:58:11.000Z');
    expect(classic.costMonthly).toBeUndefined();
    expect(classic.extra).toMatchObject({
      region: 'us-east-1',
      reservationId: 'r-fd67fb97',
      ownerId: '123456789098',
      keyName: 'fauxkey',
      architecture: 'x86_64',
      launchTime: '2013-12-02T11:58:11.000Z',
      lifecycle: 'on-demand',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/sda1',
      virtualizationType: 'paravirtual',
      hypervisor: 'xen',
      tenancy: 'default',
      ebsOptimized: false,
      stateReason: 'Client.UserInitiatedShutdown: User initiated shutdown',
      stateTransitionReason: 'User initiated (2014-01-11 14:39:31 GMT)',
      securityGroups: [
        { id: 'sg-42916629', name: 'Test Group 1' },
        { id: 'sg-42916628', name: 'Test Group 2' },
      ],
      blockDevices: [
        { device: '/dev/sda1', volumeId: 'vol-5e312311', status: 'attached', deleteOnTermination: true },
      ],
    });
    expect(classic.extra.vpcId).toBeUndefined();
    expect(JSON.parse(JSON.stringify(classic.extra))).toEqual(classic.extra);

    const vpc = byId(machines, 'i-8474834a');
    expect(vpc).toMatchObject<Partial<RemoteMachine>>({
      name: 'Test Server 2',
      state: 'stopped',
      size: 't1.micro',
      image: 'ami-29674340',
      location: 'us-east-1d',
      publicIps: ['1.2.3.5'],
      // The instance address plus the secondary address of its network interface.
      privateIps: ['172.16.9.139', '172.16.4.139'],
      tags: { Name: 'Test Server 2', Group: 'VPC Test' },
    });
    expect(vpc.createdAt?.toISOString()).toBe('2013-12-02T15:58:29.000Z');
    expect(vpc.extra).toMatchObject({
      vpcId: 'vpc-61dcd30e',
      subnetId: 'subnet-5fd9d412',
      keyName: 'cderamus',
      privateDnsName: 'ip-172-16-9-139.ec2.internal',
      securityGroups: [{ id: 'sg-495a9926', name: 'default' }],
      blockDevices: [{ device: '/dev/sda1', volumeId: 'vol-60124921', deleteOnTermination: false }],
    });

    const [request] = server!.seen('DescribeInstances');
    expect(request?.region).toBe('us-east-1');
    expect(request?.params.get('MaxResults')).toBe('1000');
    expect(request?.params.get('Version')).toBe('2016-11-15');
  });

  it('asks EC2 to leave terminated instances out when configured so', async () => {
    const driver = await driverFor(
      { DescribeInstances: { file: 'describe_instances.xml' } },
      { includeTerminated: false },
    );
    await collect(driver.listMachines(new AbortController().signal));
    const params = server!.seen('DescribeInstances')[0]!.params;
    expect(params.get('Filter.1.Name')).toBe('instance-state-name');
    expect(params.getAll('Filter.1.Value.1')).toEqual(['pending']);
    expect(params.get('Filter.1.Value.5')).toBe('stopped');
  });

  it('lists volumes from describe_volumes.xml, attachments and unknown statuses included', async () => {
    const driver = await driverFor({ DescribeVolumes: { file: 'describe_volumes.xml' } });
    const volumes = await collect(driver.listVolumes(new AbortController().signal));
    expect(volumes.map((v) => v.externalId)).toEqual(['vol-10ae5e2b', 'vol-v24bfh75', 'vol-b6c851ec']);
    expect(byId(volumes, 'vol-10ae5e2b')).toMatchObject<Partial<RemoteVolume>>({
      name: 'vol-10ae5e2b',
      sizeGb: 1,
      state: 'available',
      location: 'us-east-1d',
      attachedTo: [],
      tags: {},
    });
    expect(byId(volumes, 'vol-10ae5e2b').createdAt?.toISOString()).toBe('2013-10-09T05:41:37.000Z');
    expect(byId(volumes, 'vol-v24bfh75')).toMatchObject({
      sizeGb: 11,
      state: 'in-use',
      location: 'us-east-1c',
      attachedTo: [],
    });
    const attached = byId(volumes, 'vol-b6c851ec');
    expect(attached).toMatchObject({
      sizeGb: 8,
      state: 'unknown',
      rawState: 'some-unknown-status',
      attachedTo: ['i-d334b4b3'],
    });
    expect(attached.createdAt?.toISOString()).toBe('2013-06-25T02:04:12.000Z');
    expect(attached.extra).toMatchObject({
      region: 'us-east-1',
      volumeType: 'standard',
      snapshotId: 'snap-30d37269',
      attachments: [
        {
          instanceId: 'i-d334b4b3',
          device: '/dev/sda1',
          state: 'attached',
          attachTime: '2013-06-25T02:04:12.000Z',
          deleteOnTermination: true,
        },
      ],
    });
    expect(server!.seen('DescribeVolumes')[0]?.params.get('MaxResults')).toBe('500');
  });

  it('lists images from describe_images.xml, asking for own and configured public owners', async () => {
    const driver = await driverFor(
      { DescribeImages: { file: 'describe_images.xml' } },
      { imageOwners: ['099720109477', 'amazon'] },
    );
    const images = await driver.listImages();
    expect(images.map((i) => i.externalId)).toEqual(['ami-57ba933a', 'ami-85b2a8ae', 'ami-85b2a8ac']);
    expect(byId(images, 'ami-57ba933a')).toMatchObject({
      name: 'Test Image',
      isPublic: false,
      os: null,
      extra: {
        region: 'us-east-1',
        ownerId: '123456788908',
        architecture: 'x86_64',
        description: 'Testing Stuff',
        creationDate: '2021-01-10T18:24:00.000Z',
        state: 'available',
        rootDeviceType: 'ebs',
        virtualizationType: 'paravirtual',
      },
    });
    // An empty <creationDate/> is no date at all.
    expect(byId(images, 'ami-85b2a8ae').extra.creationDate).toBeUndefined();
    expect(byId(images, 'ami-85b2a8ac').name).toBe('Test Image 3');
    // Own images unfiltered, then the public owners' images whose names match; same ids merge.
    const [own, shared] = server!.seen('DescribeImages').map((r) => r.params);
    expect(own?.get('Owner.1')).toBe('self');
    expect(own?.has('Owner.2')).toBe(false);
    expect([shared?.get('Owner.1'), shared?.get('Owner.2')]).toEqual(['099720109477', 'amazon']);
    expect(shared?.get('Filter.3.Name')).toBe('name');
    expect(shared?.get('Filter.3.Value.1')).toBe('ubuntu/images/hvm-ssd*/ubuntu-*-server-*');
    expect(own?.get('Filter.1.Name')).toBe('state');
  });

  it('lists zones from describe_availability_zones.xml as locations', async () => {
    const driver = await driverFor(
      { DescribeAvailabilityZones: { file: 'describe_availability_zones.xml' } },
      { regions: ['eu-west-1'] },
    );
    const locations = await driver.listLocations();
    expect(locations).toEqual([
      {
        externalId: 'eu-west-1a',
        name: 'eu-west-1a',
        country: 'IE',
        extra: { region: 'eu-west-1', state: 'available' },
      },
      {
        externalId: 'eu-west-1b',
        name: 'eu-west-1b',
        country: 'IE',
        extra: { region: 'eu-west-1', state: 'available' },
      },
    ]);
    expect(server!.seen('DescribeAvailabilityZones')[0]?.region).toBe('eu-west-1');
  });

  it('copes with describe_instance_types.xml, a Eucalyptus answer EC2 clients cannot read', async () => {
    const driver = await driverFor({
      DescribeAvailabilityZones: { file: 'describe_availability_zones.xml' },
      DescribeInstanceTypes: { file: 'describe_instance_types.xml' },
    });
    // Its elements are in Eucalyptus' own namespace and names: no EC2 instance types in it.
    await expect(driver.listSizes()).resolves.toEqual([]);
    expect(server!.seen('DescribeInstanceTypes')[0]?.params.get('MaxResults')).toBe('100');
  });

  it('creates a machine: imports the key pair, then RunInstances with placement, tags and user data', async () => {
    const driver = await driverFor(
      {
        DescribeAvailabilityZones: { file: 'describe_availability_zones.xml' },
        DescribeKeyPairs: { status: 400, file: 'describe_key_pairs_doesnt_exist.xml' },
        ImportKeyPair: { file: 'import_key_pair.xml' },
        RunInstances: { file: 'run_instances.xml' },
      },
      { regions: ['eu-west-1'] },
    );
    const publicKey =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtWRBDdVfVNmfUcBZ9vVyZkDgnmI6Oc1jWZ7Yh8JXvA ops@example';
    const userData = '#cloud-config\npackages: [nginx]\n';
    const machine = await driver.createMachine({
      name: 'web-1',
      size: 'm1.small',
      image: 'ami-be3adfd7',
      location: 'eu-west-1a',
      sshKey: { name: 'deploy', publicKey },
      tags: { env: 'test' },
      userData,
    });
    expect(machine).toMatchObject<Partial<RemoteMachine>>({
      externalId: 'i-2ba64342',
      name: 'web-1',
      state: 'pending',
      rawState: 'pending',
      size: 'm1.small',
      image: 'ami-be3adfd7',
      location: 'us-east-1b',
      publicIps: [],
      privateIps: [],
      tags: { env: 'test', Name: 'web-1' },
    });
    expect(machine.createdAt?.toISOString()).toBe('2007-08-07T11:51:50.000Z');
    expect(machine.extra).toMatchObject({ keyName: 'example-key-name', reservationId: 'r-47a5402e' });

    const lookup = server!.seen('DescribeKeyPairs')[0]!.params;
    expect(lookup.get('KeyName.1')).toBe('deploy');
    expect(lookup.get('IncludePublicKey')).toBe('true');
    const imported = server!.seen('ImportKeyPair')[0]!.params;
    expect(imported.get('KeyName')).toBe('deploy');
    expect(Buffer.from(imported.get('PublicKeyMaterial')!, 'base64').toString()).toBe(
      publicKey.split(' ').slice(0, 2).join(' '),
    );
    const run = server!.seen('RunInstances')[0]!;
    expect(run.region).toBe('eu-west-1');
    expect(Object.fromEntries(run.params)).toMatchObject({
      ImageId: 'ami-be3adfd7',
      InstanceType: 'm1.small',
      MinCount: '1',
      MaxCount: '1',
      KeyName: 'deploy',
      'Placement.AvailabilityZone': 'eu-west-1a',
      'TagSpecification.1.ResourceType': 'instance',
      'TagSpecification.1.Tag.1.Key': 'env',
      'TagSpecification.1.Tag.1.Value': 'test',
      'TagSpecification.1.Tag.2.Key': 'Name',
      'TagSpecification.1.Tag.2.Value': 'web-1',
      'TagSpecification.2.ResourceType': 'volume',
    });
    expect(Buffer.from(run.params.get('UserData')!, 'base64').toString()).toBe(userData);
    expect(run.params.get('ClientToken')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the lifecycle of a spot instance (run_instances_spot.xml)', async () => {
    const driver = await driverFor({ RunInstances: { file: 'run_instances_spot.xml' } });
    const machine = await driver.createMachine({
      name: 's',
      size: 'm1.small',
      image: 'ami-be3adfd7',
      location: 'us-east-1',
    });
    expect(machine.externalId).toBe('i-2ba64344');
    expect(machine.extra.lifecycle).toBe('spot');
    // A region as location: no placement, EC2 picks the zone.
    expect(server!.seen('RunInstances')[0]?.params.has('Placement.AvailabilityZone')).toBe(false);
  });

  it('sends each machine action as its EC2 call', async () => {
    const driver = await driverFor({
      StartInstances: { file: 'start_instances.xml' },
      StopInstances: { file: 'stop_instances.xml' },
      RebootInstances: { file: 'reboot_instances.xml' },
      TerminateInstances: { file: 'terminate_instances.xml' },
      CreateTags: { file: 'create_tags.xml' },
    });
    for (const action of ['start', 'stop', 'reboot', 'destroy'] as const) {
      await driver.machineAction('i-4382922a', action);
    }
    await driver.machineAction('i-4382922a', 'rename', { name: 'renamed box' });
    expect(
      server!.requests.map((r) => [r.action, r.params.get('InstanceId.1') ?? r.params.get('ResourceId.1')]),
    ).toEqual([
      ['StartInstances', 'i-4382922a'],
      ['StopInstances', 'i-4382922a'],
      ['RebootInstances', 'i-4382922a'],
      ['TerminateInstances', 'i-4382922a'],
      ['CreateTags', 'i-4382922a'],
    ]);
    const tags = server!.seen('CreateTags')[0]!.params;
    expect([tags.get('Tag.1.Key'), tags.get('Tag.1.Value')]).toEqual(['Name', 'renamed box']);
    await expect(driver.machineAction('i-4382922a', 'rename')).rejects.toMatchObject({ kind: 'invalid' });
    // Values from outside the type system (an API payload) are refused, not ignored.
    await expect(driver.machineAction('i-4382922a', 'explode' as 'start')).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(driver.volumeAction({ op: 'shrink' } as never)).rejects.toMatchObject({ kind: 'invalid' });
    expect(server!.requests).toHaveLength(5);
  });

  it('creates, attaches, detaches and deletes volumes', async () => {
    const driver = await driverFor(
      {
        DescribeAvailabilityZones: { file: 'describe_availability_zones.xml' },
        CreateVolume: { file: 'create_volume.xml' },
        DescribeInstances: { file: 'describe_instances.xml' },
        AttachVolume: { file: 'attach_volume.xml' },
        DetachVolume: { file: 'detach_volume.xml' },
        DeleteVolume: { file: 'delete_volume.xml' },
      },
      { regions: ['eu-west-1'] },
    );
    const volume = await driver.volumeAction({
      op: 'create',
      name: 'data',
      sizeGb: 10,
      location: 'eu-west-1a',
    });
    expect(volume).toMatchObject({
      externalId: 'vol-4d826724',
      name: 'data',
      sizeGb: 10,
      state: 'creating',
      location: 'us-east-1a',
      attachedTo: [],
      extra: { volumeType: 'standard', encrypted: false, region: 'eu-west-1' },
    });
    expect((volume as RemoteVolume).createdAt?.toISOString()).toBe('2008-05-07T11:51:50.000Z');
    const create = server!.seen('CreateVolume')[0]!.params;
    expect(Object.fromEntries(create)).toMatchObject({
      AvailabilityZone: 'eu-west-1a',
      Size: '10',
      VolumeType: 'gp3',
      'TagSpecification.1.ResourceType': 'volume',
      'TagSpecification.1.Tag.1.Value': 'data',
    });

    await driver.volumeAction({ op: 'attach', volumeId: 'vol-4d826724', machineId: 'i-4382922a' });
    // /dev/sda1 is the root device of i-4382922a: the first data slot is /dev/sdf.
    expect(Object.fromEntries(server!.seen('AttachVolume')[0]!.params)).toMatchObject({
      VolumeId: 'vol-4d826724',
      InstanceId: 'i-4382922a',
      Device: '/dev/sdf',
    });
    await driver.volumeAction({ op: 'detach', volumeId: 'vol-4d826724', machineId: 'i-4382922a' });
    expect(server!.seen('DetachVolume')[0]?.params.get('InstanceId')).toBe('i-4382922a');
    await driver.volumeAction({ op: 'delete', volumeId: 'vol-4d826724' });
    expect(server!.seen('DeleteVolume')[0]?.params.get('VolumeId')).toBe('vol-4d826724');
  });

  it('turns recorded error answers into ProviderErrors with EC2 words', async () => {
    const driver = await driverFor({
      DescribeRegions: { status: 400, file: 'describe_key_pairs_doesnt_exist.xml' },
      RunInstances: { status: 400, file: 'run_instances_idem_mismatch.xml' },
    });
    const notFound = await driver.validate().catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ProviderError);
    expect(notFound).toMatchObject({
      kind: 'not-found',
      message: "The key pair 'test-key-pair' does not exist",
      options: { status: 400, code: 'InvalidKeyPair.NotFound' },
    });
    const mismatch = await driver
      .createMachine({ name: 'x', size: 'm1.small', image: 'ami-be3adfd7', location: 'us-east-1' })
      .catch((e: unknown) => e);
    expect(mismatch).toMatchObject({
      kind: 'conflict',
      message:
        'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
      options: { code: 'IdempotentParameterMismatch' },
    });
  });
});

describe('recorded EBS snapshot and ModifyInstanceAttribute responses through the driver', () => {
  const snapshotDriver = (d: ProviderDriver) => d as ProviderDriver & SnapshotDriver & ResizeDriver;

  it('takes a snapshot of each EBS volume of the instance, tagged as the machine’s', async () => {
    const driver = snapshotDriver(
      await driverFor({
        DescribeInstances: { file: 'describe_instances.xml' },
        CreateSnapshot: { file: 'create_snapshot.xml' },
      }),
    );
    await driver.createSnapshot('i-4382922a', 'nightly');
    const [sent] = server!.seen('CreateSnapshot');
    expect(sent?.params.get('VolumeId')).toBe('vol-5e312311');
    expect(sent?.params.get('TagSpecification.1.ResourceType')).toBe('snapshot');
    const tags = Object.fromEntries(
      [1, 2, 3].map((i) => [
        sent?.params.get(`TagSpecification.1.Tag.${i}.Key`),
        sent?.params.get(`TagSpecification.1.Tag.${i}.Value`),
      ]),
    );
    expect(tags).toMatchObject({ Name: 'nightly', 'overcast:machine': 'i-4382922a' });
  });

  it("lists only the snapshots Overcast took of the machine: others' (describe_snapshots.xml) are not its", async () => {
    const driver = snapshotDriver(
      await driverFor({
        DescribeInstances: { file: 'describe_instances.xml' },
        DescribeSnapshots: { file: 'describe_snapshots.xml' },
        DeleteSnapshot: { file: 'delete_snapshot.xml' },
      }),
    );
    expect(await driver.listSnapshots('i-4382922a')).toEqual([]);
    const [asked] = server!.seen('DescribeSnapshots');
    expect(asked?.params.get('Owner.1')).toBe('self');
    expect(asked?.params.get('Filter.1.Name')).toBe('tag:overcast:machine');
    expect(asked?.params.get('Filter.1.Value.1')).toBe('i-4382922a');
    const missing = await driver.deleteSnapshot('i-4382922a', 'snap-428abd35').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProviderError);
    expect((missing as ProviderError).kind).toBe('not-found');
    expect(server!.seen('DeleteSnapshot')).toEqual([]);
  });

  it('resizes with ModifyInstanceAttribute (modify_instance_attribute.xml)', async () => {
    const driver = snapshotDriver(
      await driverFor({
        DescribeInstances: { file: 'describe_instances.xml' },
        ModifyInstanceAttribute: { file: 'modify_instance_attribute.xml' },
      }),
    );
    await driver.resizeMachine('i-4382922a', 'm5.large');
    const [sent] = server!.seen('ModifyInstanceAttribute');
    expect(sent?.params.get('InstanceId')).toBe('i-4382922a');
    expect(sent?.params.get('InstanceType.Value')).toBe('m5.large');
  });
});
