// The emulator's answers against EC2 answers recorded by Apache Libcloud, element path by
// element path. Differences must be listed here with their reason.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ec2Sim, startEc2Sim } from './index';
import { call, elementPaths, fixture, text } from './test-support/client';

const instance = 'DescribeInstancesResponse/reservationSet/item/instancesSet/item';

/** Paths the emulator sends beyond a recording, each a newer field of today's EC2. */
const NEWER_FIELDS: Record<string, string[]> = {
  'describe_instances.xml': [
    // Public address of the interface; the recorded instance answered without one.
    ...['', '/publicIp', '/publicDnsName', '/ipOwnerId'].flatMap((p) => [
      `${instance}/networkInterfaceSet/item/association${p}`,
      `${instance}/networkInterfaceSet/item/privateIpAddressesSet/item/association${p}`,
    ]),
    `${instance}/platformDetails`,
    // Only on Windows instances.
    `${instance}/platform`,
  ],
  'describe_volumes.xml': ['iops', 'throughput', 'encrypted', 'multiAttachEnabled'].map(
    (f) => `DescribeVolumesResponse/volumeSet/item/${f}`,
  ),
};

/** Paths of a recording the emulator leaves out, each a legacy field. */
const LEGACY_FIELDS: Record<string, string[]> = {
  // Paravirtual kernels: modern HVM instances and images have none.
  'describe_instances.xml': [`${instance}/kernelId`],
  'describe_images.xml': [
    'DescribeImagesResponse/imagesSet/item/kernelId',
    'DescribeImagesResponse/imagesSet/item/billingProducts',
    'DescribeImagesResponse/imagesSet/item/billingProducts/item',
    'DescribeImagesResponse/imagesSet/item/billingProducts/item/billingProduct',
    // Instance-store mappings of old images.
    'DescribeImagesResponse/imagesSet/item/blockDeviceMapping/item/virtualName',
  ],
  // The 2007 API said monitoring/enabled where EC2 now says monitoring/state.
  'run_instances.xml': ['RunInstancesResponse/instancesSet/item/monitoring/enabled'],
  // An older spelling of currentState, which is what today's EC2 and its SDKs use.
  'terminate_instances.xml': [
    'TerminateInstancesResponse/instancesSet/item/shutdownState',
    'TerminateInstancesResponse/instancesSet/item/shutdownState/code',
    'TerminateInstancesResponse/instancesSet/item/shutdownState/name',
  ],
};

const PUBLIC_KEY = Buffer.from(
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtWRBDdVfVNmfUcBZ9vVyZkDgnmI6Oc1jWZ7Yh8JXvA shape@test',
).toString('base64');

describe('emulator answers have the shape of recorded EC2 answers', () => {
  let sim: Ec2Sim;
  const answers = new Map<string, string>();

  beforeAll(async () => {
    // Seeded instances cover running (public address) and stopped (state reason) ones.
    sim = await startEc2Sim({ seed: { machines: 40, seed: 3 }, regions: ['us-east-1'], transitionMs: 0 });
    const url = sim.url;
    const image = sim.state.regions.get('us-east-1')!.images[0]!.id;
    answers.set(
      'import_key_pair.xml',
      (await call(url, { Action: 'ImportKeyPair', KeyName: 'k', PublicKeyMaterial: PUBLIC_KEY })).body,
    );
    answers.set('describe_key_pairs.xml', (await call(url, { Action: 'DescribeKeyPairs' })).body);
    const run = await call(url, {
      Action: 'RunInstances',
      ImageId: image,
      InstanceType: 't3.micro',
      MinCount: '1',
      MaxCount: '1',
      KeyName: 'k',
      'Placement.AvailabilityZone': 'us-east-1a',
    });
    answers.set('run_instances.xml', run.body);
    const instanceId = text(run.body, 'instanceId')!;
    const created = await call(url, {
      Action: 'CreateVolume',
      AvailabilityZone: 'us-east-1a',
      Size: '10',
      VolumeType: 'standard',
    });
    answers.set('create_volume.xml', created.body);
    const volumeId = text(created.body, 'volumeId')!;
    await call(url, { Action: 'DescribeRegions' });
    answers.set(
      'attach_volume.xml',
      (
        await call(url, {
          Action: 'AttachVolume',
          VolumeId: volumeId,
          InstanceId: instanceId,
          Device: '/dev/sdf',
        })
      ).body,
    );
    answers.set('describe_instances.xml', (await call(url, { Action: 'DescribeInstances' })).body);
    answers.set('describe_volumes.xml', (await call(url, { Action: 'DescribeVolumes' })).body);
    answers.set('describe_images.xml', (await call(url, { Action: 'DescribeImages' })).body);
    answers.set(
      'describe_availability_zones.xml',
      (await call(url, { Action: 'DescribeAvailabilityZones' })).body,
    );
    answers.set('detach_volume.xml', (await call(url, { Action: 'DetachVolume', VolumeId: volumeId })).body);
    answers.set(
      'stop_instances.xml',
      (await call(url, { Action: 'StopInstances', 'InstanceId.1': instanceId })).body,
    );
    answers.set(
      'start_instances.xml',
      (await call(url, { Action: 'StartInstances', 'InstanceId.1': instanceId })).body,
    );
    answers.set(
      'reboot_instances.xml',
      (await call(url, { Action: 'RebootInstances', 'InstanceId.1': instanceId })).body,
    );
    answers.set(
      'create_tags.xml',
      (
        await call(url, {
          Action: 'CreateTags',
          'ResourceId.1': instanceId,
          'Tag.1.Key': 'Name',
          'Tag.1.Value': 'x',
        })
      ).body,
    );
    answers.set(
      'terminate_instances.xml',
      (await call(url, { Action: 'TerminateInstances', 'InstanceId.1': instanceId })).body,
    );
    answers.set('delete_volume.xml', (await call(url, { Action: 'DeleteVolume', VolumeId: volumeId })).body);
    answers.set('delete_key_pair.xml', (await call(url, { Action: 'DeleteKeyPair', KeyName: 'k' })).body);
    answers.set(
      'describe_key_pairs_doesnt_exist.xml',
      (await call(url, { Action: 'DescribeKeyPairs', 'KeyName.1': 'gone' })).body,
    );
  });
  afterAll(() => sim.close());

  const diff = (file: string) => {
    const recorded = elementPaths(fixture(file));
    const emulated = elementPaths(answers.get(file)!);
    return {
      missing: [...recorded].filter((p) => !emulated.has(p)),
      extra: [...emulated].filter((p) => !recorded.has(p)),
    };
  };

  it.each(['describe_instances.xml', 'describe_volumes.xml'])('%s: same element paths both ways', (file) => {
    const { missing, extra } = diff(file);
    expect(missing).toEqual(LEGACY_FIELDS[file] ?? []);
    expect(extra.sort()).toEqual([...(NEWER_FIELDS[file] ?? [])].sort());
  });

  it.each([
    'run_instances.xml',
    'describe_images.xml',
    'describe_availability_zones.xml',
    'create_volume.xml',
    'attach_volume.xml',
    'detach_volume.xml',
    'delete_volume.xml',
    'import_key_pair.xml',
    'describe_key_pairs.xml',
    'delete_key_pair.xml',
    'start_instances.xml',
    'stop_instances.xml',
    'reboot_instances.xml',
    'terminate_instances.xml',
    'create_tags.xml',
    'describe_key_pairs_doesnt_exist.xml',
  ])('%s: every recorded element is answered', (file) => {
    expect(diff(file).missing).toEqual(LEGACY_FIELDS[file] ?? []);
  });

  it('answers in the EC2 namespace with a requestId, errors with a RequestID', () => {
    const body = answers.get('describe_instances.xml')!;
    expect(body).toContain('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(text(body, 'requestId')).toMatch(/^[0-9a-f-]{36}$/);
    const error = answers.get('describe_key_pairs_doesnt_exist.xml')!;
    expect(text(error, 'Code')).toBe('InvalidKeyPair.NotFound');
    expect(text(error, 'Message')).toBe("The key pair 'gone' does not exist");
    expect(text(error, 'RequestID')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
