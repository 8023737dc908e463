import type { AvailabilityZone, Image, InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { RemoteImage, RemoteLocation, RemoteSize } from '@overcast/contracts';
import { compact, tagsToRecord } from './map-machine';

/** ISO 3166 country of each AWS region (where its data centres are). */
const REGION_COUNTRY: Record<string, string> = {
  'us-east-1': 'US',
  'us-east-2': 'US',
  'us-west-1': 'US',
  'us-west-2': 'US',
  'us-gov-east-1': 'US',
  'us-gov-west-1': 'US',
  'ca-central-1': 'CA',
  'ca-west-1': 'CA',
  'mx-central-1': 'MX',
  'sa-east-1': 'BR',
  'eu-west-1': 'IE',
  'eu-west-2': 'GB',
  'eu-west-3': 'FR',
  'eu-central-1': 'DE',
  'eu-central-2': 'CH',
  'eu-north-1': 'SE',
  'eu-south-1': 'IT',
  'eu-south-2': 'ES',
  'af-south-1': 'ZA',
  'me-south-1': 'BH',
  'me-central-1': 'AE',
  'il-central-1': 'IL',
  'ap-east-1': 'HK',
  'ap-east-2': 'TW',
  'ap-south-1': 'IN',
  'ap-south-2': 'IN',
  'ap-southeast-1': 'SG',
  'ap-southeast-2': 'AU',
  'ap-southeast-3': 'ID',
  'ap-southeast-4': 'AU',
  'ap-southeast-5': 'MY',
  'ap-southeast-7': 'TH',
  'ap-northeast-1': 'JP',
  'ap-northeast-2': 'KR',
  'ap-northeast-3': 'JP',
  'cn-north-1': 'CN',
  'cn-northwest-1': 'CN',
};

export function regionCountry(region: string): string | null {
  return Object.hasOwn(REGION_COUNTRY, region) ? REGION_COUNTRY[region]! : null;
}

/** Locations are availability zones: EC2 places instances and volumes in zones. */
export function toRemoteLocation(zone: AvailabilityZone, region: string): RemoteLocation {
  const name = zone.ZoneName ?? '';
  const zoneRegion = zone.RegionName ?? region;
  return {
    externalId: name,
    name,
    country: regionCountry(zoneRegion),
    extra: compact({
      region: zoneRegion,
      zoneId: zone.ZoneId,
      zoneType: zone.ZoneType,
      state: zone.State,
      groupName: zone.GroupName,
      networkBorderGroup: zone.NetworkBorderGroup,
    }),
  };
}

/** `locations` is filled by the caller, which knows the zones of the regions offering it. */
export function toRemoteSize(type: InstanceTypeInfo): RemoteSize {
  const name = type.InstanceType ?? '';
  return {
    externalId: name,
    name,
    cpus: type.VCpuInfo?.DefaultVCpus ?? null,
    memoryMb: type.MemoryInfo?.SizeInMiB ?? null,
    diskGb: type.InstanceStorageInfo?.TotalSizeInGB ?? null,
    locations: [],
    extra: compact({
      architectures: type.ProcessorInfo?.SupportedArchitectures,
      currentGeneration: type.CurrentGeneration,
      burstable: type.BurstablePerformanceSupported,
      freeTierEligible: type.FreeTierEligible,
      hypervisor: type.Hypervisor,
      networkPerformance: type.NetworkInfo?.NetworkPerformance,
      bareMetal: type.BareMetal,
    }),
  };
}

const DISTROS: [RegExp, string][] = [
  [/ubuntu/i, 'ubuntu'],
  [/debian/i, 'debian'],
  [/^al20\d\d-|amzn|amazon linux/i, 'amazon-linux'],
  [/rhel|red hat/i, 'rhel'],
  [/centos/i, 'centos'],
  [/rocky/i, 'rocky'],
  [/almalinux/i, 'almalinux'],
  [/suse|sles/i, 'suse'],
  [/fedora/i, 'fedora'],
  [/freebsd/i, 'freebsd'],
];

/** Best guess of the OS: Windows from EC2's platform, Linux distributions from the name. */
export function imageOs(image: Image): string | null {
  // The SDK types Platform as 'Windows'; EC2 sends 'windows'.
  if (/^windows/i.test(image.Platform ?? '') || /^windows/i.test(image.PlatformDetails ?? ''))
    return 'windows';
  const text = `${image.Name ?? ''} ${image.Description ?? ''}`;
  for (const [pattern, os] of DISTROS) if (pattern.test(text)) return os;
  if (image.PlatformDetails?.includes('Linux')) return 'linux';
  return null;
}

export function toRemoteImage(image: Image, region: string): RemoteImage {
  const id = image.ImageId ?? '';
  return {
    externalId: id,
    name: image.Name || id,
    os: imageOs(image),
    isPublic: image.Public ?? false,
    extra: compact({
      region,
      ownerId: image.OwnerId,
      ownerAlias: image.ImageOwnerAlias,
      architecture: image.Architecture,
      description: image.Description,
      creationDate: image.CreationDate || undefined,
      state: image.State,
      rootDeviceType: image.RootDeviceType,
      virtualizationType: image.VirtualizationType,
      platformDetails: image.PlatformDetails,
      tags: image.Tags && image.Tags.length > 0 ? tagsToRecord(image.Tags) : undefined,
    }),
  };
}
