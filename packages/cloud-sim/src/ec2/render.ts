// XML fragments for EC2 resources, element for element as EC2 sends them (compare with the
// recorded responses in shared/fixtures/libcloud/ec2).

import type { InstanceTypeInfo } from './catalog';
import { macAddress, privateDnsName, publicDnsName, resourceId } from './ids';
import {
  INSTANCE_STATE_CODES,
  type InstanceStateName,
  type SimImage,
  type SimInstance,
  type SimKeyPair,
  type SimVolume,
} from './model';
import type { Ec2State } from './state';
import { flatten, isoTime, itemList, leaf, node, tagSet } from './xml';

export function stateXml(tag: string, name: InstanceStateName): string {
  return node(tag, leaf('code', INSTANCE_STATE_CODES[name]) + leaf('name', name));
}

export const groupSet = (instance: SimInstance) =>
  itemList('groupSet', [instance.securityGroup], (g) => leaf('groupId', g.id) + leaf('groupName', g.name));

function association(instance: SimInstance): string {
  if (!instance.publicIp) return '';
  return node(
    'association',
    leaf('publicIp', instance.publicIp) +
      leaf('publicDnsName', publicDnsName(instance.publicIp, instance.region)) +
      leaf('ipOwnerId', 'amazon'),
  );
}

function networkInterfaces(instance: SimInstance): string {
  if (instance.state === 'terminated') return node('networkInterfaceSet', '');
  const privateDns = privateDnsName(instance.privateIp, instance.region);
  const eni =
    leaf('networkInterfaceId', resourceId('eni', instance.serial, 0xe41)) +
    leaf('subnetId', instance.subnetId) +
    leaf('vpcId', instance.vpcId) +
    leaf('description', '') +
    leaf('ownerId', instance.ownerId) +
    leaf('status', 'in-use') +
    leaf('macAddress', macAddress(instance.serial)) +
    leaf('privateIpAddress', instance.privateIp) +
    leaf('privateDnsName', privateDns) +
    leaf('sourceDestCheck', true) +
    groupSet(instance) +
    node(
      'attachment',
      leaf('attachmentId', resourceId('eni-attach', instance.serial, 0xa77)) +
        leaf('deviceIndex', 0) +
        leaf('status', 'attached') +
        leaf('attachTime', isoTime(instance.createTime)) +
        leaf('deleteOnTermination', true),
    ) +
    association(instance) +
    itemList(
      'privateIpAddressesSet',
      [instance.privateIp],
      (ip) =>
        leaf('privateIpAddress', ip) +
        leaf('privateDnsName', privateDns) +
        leaf('primary', true) +
        association(instance),
    );
  return node('networkInterfaceSet', `<item>${eni}</item>`);
}

function blockDevices(state: Ec2State, instance: SimInstance): string {
  const volumes = instance.volumeIds
    .map((id) => state.volumes.get(id))
    .filter((v): v is SimVolume => v?.attachment !== undefined);
  return itemList('blockDeviceMapping', volumes, (v) => {
    const a = v.attachment!;
    return (
      leaf('deviceName', a.device) +
      node(
        'ebs',
        leaf('volumeId', v.id) +
          leaf('status', a.status) +
          leaf('attachTime', isoTime(a.attachTime)) +
          leaf('deleteOnTermination', a.deleteOnTermination),
      )
    );
  });
}

/** One `instancesSet/item`. Terminated instances lose their network identity, as on EC2. */
export function instanceXml(state: Ec2State, instance: SimInstance): string {
  const terminated = instance.state === 'terminated';
  const privateDns = terminated ? '' : privateDnsName(instance.privateIp, instance.region);
  const publicDns = instance.publicIp ? publicDnsName(instance.publicIp, instance.region) : '';
  return (
    leaf('instanceId', instance.id) +
    leaf('imageId', instance.imageId) +
    stateXml('instanceState', instance.state) +
    leaf('privateDnsName', privateDns) +
    leaf('dnsName', publicDns) +
    leaf('reason', instance.reason) +
    leaf('keyName', instance.keyName) +
    leaf('amiLaunchIndex', instance.launchIndex) +
    node('productCodes', '') +
    leaf('instanceType', instance.instanceType) +
    leaf('launchTime', isoTime(instance.launchTime)) +
    node(
      'placement',
      leaf('availabilityZone', instance.zone) + leaf('groupName', '') + leaf('tenancy', 'default'),
    ) +
    leaf('platform', instance.platform) +
    node('monitoring', leaf('state', 'disabled')) +
    (terminated ? '' : leaf('subnetId', instance.subnetId) + leaf('vpcId', instance.vpcId)) +
    (terminated ? '' : leaf('privateIpAddress', instance.privateIp)) +
    leaf('ipAddress', instance.publicIp) +
    leaf('sourceDestCheck', terminated ? undefined : true) +
    groupSet(instance) +
    (instance.stateReason
      ? node(
          'stateReason',
          leaf('code', instance.stateReason.code) + leaf('message', instance.stateReason.message),
        )
      : '') +
    leaf('architecture', instance.architecture) +
    leaf('rootDeviceType', 'ebs') +
    leaf('rootDeviceName', instance.rootDeviceName) +
    blockDevices(state, instance) +
    leaf('virtualizationType', 'hvm') +
    leaf('clientToken', instance.clientToken) +
    tagSet(instance.tags) +
    leaf('hypervisor', 'xen') +
    networkInterfaces(instance) +
    leaf('ebsOptimized', false) +
    leaf('platformDetails', instance.platformDetails)
  );
}

/**
 * DescribeInstances' reservationSet: consecutive instances of one reservation share an item
 * (a page may split a reservation, EC2 does the same).
 */
export function reservationSetXml(state: Ec2State, instances: SimInstance[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < instances.length) {
    const first = instances[i]!;
    const items: string[] = [];
    while (i < instances.length && instances[i]!.reservationId === first.reservationId) {
      items.push(flatten(`<item>${instanceXml(state, instances[i]!)}</item>`));
      i++;
    }
    parts.push(`<item>${reservationXml(first, items.join(''))}</item>`);
  }
  return node('reservationSet', parts.join(''));
}

/** `groups` is empty in DescribeInstances (VPC instances list groups per instance). */
export function reservationXml(
  first: SimInstance,
  instanceItems: string,
  groups = node('groupSet', ''),
): string {
  return (
    leaf('reservationId', first.reservationId) +
    leaf('ownerId', first.ownerId) +
    groups +
    node('instancesSet', instanceItems)
  );
}

/** Attach/DetachVolume answer without deleteOnTermination; DescribeVolumes includes it. */
export function attachmentXml(volume: SimVolume, withDeleteOnTermination = true): string {
  const a = volume.attachment!;
  return (
    leaf('volumeId', volume.id) +
    leaf('instanceId', a.instanceId) +
    leaf('device', a.device) +
    leaf('status', a.status) +
    leaf('attachTime', isoTime(a.attachTime)) +
    (withDeleteOnTermination ? leaf('deleteOnTermination', a.deleteOnTermination) : '')
  );
}

/** Volume fields shared by DescribeVolumes items and the CreateVolume response. */
export function volumeFieldsXml(volume: SimVolume, withAttachments: boolean): string {
  return (
    leaf('volumeId', volume.id) +
    leaf('size', volume.size) +
    leaf('snapshotId', volume.snapshotId) +
    leaf('availabilityZone', volume.zone) +
    leaf('status', volume.status) +
    leaf('createTime', isoTime(volume.createTime)) +
    (withAttachments
      ? itemList('attachmentSet', volume.attachment ? [volume] : [], (v) => attachmentXml(v))
      : '') +
    (volume.tags.size > 0 ? tagSet(volume.tags) : '') +
    leaf('volumeType', volume.volumeType) +
    leaf('iops', volume.iops) +
    leaf('throughput', volume.throughput) +
    leaf('encrypted', volume.encrypted) +
    leaf('multiAttachEnabled', false)
  );
}

export function imageXml(image: SimImage): string {
  return (
    leaf('imageId', image.id) +
    leaf('imageLocation', `${image.ownerAlias ?? image.ownerId}/${image.name}`) +
    leaf('imageState', 'available') +
    leaf('imageOwnerId', image.ownerId) +
    leaf('isPublic', image.isPublic) +
    leaf('architecture', image.architecture) +
    leaf('imageType', 'machine') +
    leaf('platform', image.platform) +
    leaf('platformDetails', image.platformDetails) +
    leaf('imageOwnerAlias', image.ownerAlias) +
    leaf('name', image.name) +
    leaf('description', image.description) +
    leaf('rootDeviceType', 'ebs') +
    leaf('rootDeviceName', image.rootDeviceName) +
    itemList(
      'blockDeviceMapping',
      [image],
      (img) =>
        leaf('deviceName', img.rootDeviceName) +
        node(
          'ebs',
          leaf('snapshotId', img.snapshotId) +
            leaf('volumeSize', img.rootSizeGb) +
            leaf('deleteOnTermination', true) +
            leaf('volumeType', 'gp3') +
            leaf('encrypted', false),
        ),
    ) +
    leaf('virtualizationType', 'hvm') +
    (image.tags.size > 0 ? tagSet(image.tags) : '') +
    leaf('hypervisor', 'xen') +
    leaf('enaSupport', true) +
    leaf('creationDate', image.creationDate)
  );
}

export function keyPairXml(pair: SimKeyPair, includePublicKey: boolean): string {
  return (
    leaf('keyPairId', pair.id) +
    leaf('keyName', pair.name) +
    leaf('keyFingerprint', pair.fingerprint) +
    leaf('keyType', pair.keyType) +
    tagSet(pair.tags) +
    (includePublicKey ? leaf('publicKey', pair.publicKey) : '') +
    leaf('createTime', isoTime(pair.createTime))
  );
}

export function instanceTypeXml(type: InstanceTypeInfo): string {
  const storage = type.instanceStorageGb;
  return (
    leaf('instanceType', type.name) +
    leaf('currentGeneration', type.currentGeneration) +
    leaf('freeTierEligible', type.name === 't2.micro' || type.name === 't3.micro') +
    itemList('supportedUsageClasses', ['on-demand', 'spot'], (u) => u) +
    itemList('supportedRootDeviceTypes', ['ebs'], (r) => r) +
    itemList('supportedVirtualizationTypes', ['hvm'], (v) => v) +
    leaf('bareMetal', false) +
    leaf('hypervisor', 'nitro') +
    node(
      'processorInfo',
      itemList('supportedArchitectures', [type.arch], (a) => a) + leaf('sustainedClockSpeedInGhz', 2.5),
    ) +
    node(
      'vCpuInfo',
      leaf('defaultVCpus', type.vcpus) +
        leaf('defaultCores', Math.max(1, type.vcpus / 2)) +
        leaf('defaultThreadsPerCore', type.vcpus > 1 ? 2 : 1),
    ) +
    node('memoryInfo', leaf('sizeInMiB', type.memoryMiB)) +
    leaf('instanceStorageSupported', storage !== undefined) +
    (storage !== undefined
      ? node(
          'instanceStorageInfo',
          leaf('totalSizeInGB', storage) +
            itemList(
              'disks',
              [storage],
              (s) => leaf('sizeInGB', s) + leaf('count', 1) + leaf('type', 'ssd'),
            ) +
            leaf('nvmeSupport', 'required'),
        )
      : '') +
    node('ebsInfo', leaf('ebsOptimizedSupport', 'default') + leaf('encryptionSupport', 'supported')) +
    node(
      'networkInfo',
      leaf('networkPerformance', type.network) + leaf('maximumNetworkInterfaces', type.vcpus > 2 ? 4 : 3),
    ) +
    leaf('burstablePerformanceSupported', type.burstable) +
    leaf('hibernationSupported', true)
  );
}
