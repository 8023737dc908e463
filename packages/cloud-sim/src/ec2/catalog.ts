// Static data the emulator serves as the "provider catalog": regions and zones, instance
// types and the public images every account can see. Values follow what EC2 reports.

export interface RegionInfo {
  name: string;
  /** Zone letters; zone names are `${name}${letter}`. */
  zones: string[];
  /** Short zone-id prefix EC2 uses (use1-az1...). */
  zoneIdPrefix: string;
  /** Opt-in regions are listed only with AllRegions unless the account enabled them. */
  optIn: boolean;
}

export const REGIONS: readonly RegionInfo[] = [
  { name: 'us-east-1', zones: ['a', 'b', 'c', 'd'], zoneIdPrefix: 'use1', optIn: false },
  { name: 'us-east-2', zones: ['a', 'b', 'c'], zoneIdPrefix: 'use2', optIn: false },
  { name: 'us-west-1', zones: ['b', 'c'], zoneIdPrefix: 'usw1', optIn: false },
  { name: 'us-west-2', zones: ['a', 'b', 'c', 'd'], zoneIdPrefix: 'usw2', optIn: false },
  { name: 'ca-central-1', zones: ['a', 'b', 'd'], zoneIdPrefix: 'cac1', optIn: false },
  { name: 'eu-west-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'euw1', optIn: false },
  { name: 'eu-west-2', zones: ['a', 'b', 'c'], zoneIdPrefix: 'euw2', optIn: false },
  { name: 'eu-central-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'euc1', optIn: false },
  { name: 'eu-north-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'eun1', optIn: false },
  { name: 'ap-south-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'aps1', optIn: false },
  { name: 'ap-southeast-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'apse1', optIn: false },
  { name: 'ap-southeast-2', zones: ['a', 'b', 'c'], zoneIdPrefix: 'apse2', optIn: false },
  { name: 'ap-northeast-1', zones: ['a', 'c', 'd'], zoneIdPrefix: 'apne1', optIn: false },
  { name: 'sa-east-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'sae1', optIn: false },
  { name: 'af-south-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'afs1', optIn: true },
  { name: 'me-south-1', zones: ['a', 'b', 'c'], zoneIdPrefix: 'mes1', optIn: true },
];

/** What a fresh emulator enables unless told otherwise: few enough to keep tests quick. */
export const DEFAULT_SIM_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'];

export function regionInfo(name: string): RegionInfo | undefined {
  return REGIONS.find((r) => r.name === name);
}

export type Architecture = 'x86_64' | 'arm64';

export interface InstanceTypeInfo {
  name: string;
  vcpus: number;
  memoryMiB: number;
  arch: Architecture;
  /** Local instance-store size; absent for EBS-only types. */
  instanceStorageGb?: number;
  burstable: boolean;
  currentGeneration: boolean;
  network: string;
  /** Regions where the type is not offered. */
  notIn?: string[];
}

const t = (
  name: string,
  vcpus: number,
  memoryMiB: number,
  extra: Partial<InstanceTypeInfo> = {},
): InstanceTypeInfo => ({
  name,
  vcpus,
  memoryMiB,
  arch: 'x86_64',
  burstable: name.startsWith('t'),
  currentGeneration: true,
  network: vcpus <= 4 ? 'Up to 5 Gigabit' : 'Up to 10 Gigabit',
  ...extra,
});

export const INSTANCE_TYPES: readonly InstanceTypeInfo[] = [
  t('t2.micro', 1, 1024, { currentGeneration: false, network: 'Low to Moderate' }),
  t('t2.small', 1, 2048, { currentGeneration: false, network: 'Low to Moderate' }),
  t('t2.medium', 2, 4096, { currentGeneration: false, network: 'Low to Moderate' }),
  t('t3.nano', 2, 512),
  t('t3.micro', 2, 1024),
  t('t3.small', 2, 2048),
  t('t3.medium', 2, 4096),
  t('t3.large', 2, 8192),
  t('t3.xlarge', 4, 16384),
  t('t4g.micro', 2, 1024, { arch: 'arm64' }),
  t('t4g.small', 2, 2048, { arch: 'arm64' }),
  t('t4g.medium', 2, 4096, { arch: 'arm64' }),
  t('m5.large', 2, 8192, { network: 'Up to 10 Gigabit' }),
  t('m5.xlarge', 4, 16384, { network: 'Up to 10 Gigabit' }),
  t('m5.2xlarge', 8, 32768),
  t('m5d.large', 2, 8192, { instanceStorageGb: 75, network: 'Up to 10 Gigabit' }),
  t('m6g.large', 2, 8192, { arch: 'arm64', network: 'Up to 10 Gigabit' }),
  t('c5.large', 2, 4096, { network: 'Up to 10 Gigabit' }),
  t('c5.xlarge', 4, 8192, { network: 'Up to 10 Gigabit' }),
  t('c6g.large', 2, 4096, { arch: 'arm64', network: 'Up to 10 Gigabit' }),
  t('r5.large', 2, 16384, { network: 'Up to 10 Gigabit' }),
  t('r5.xlarge', 4, 32768, { network: 'Up to 10 Gigabit' }),
  t('i3.large', 2, 15616, {
    instanceStorageGb: 475,
    network: 'Up to 10 Gigabit',
    notIn: ['sa-east-1', 'af-south-1', 'me-south-1'],
  }),
];

export function instanceTypeInfo(name: string): InstanceTypeInfo | undefined {
  return INSTANCE_TYPES.find((x) => x.name === name);
}

export function typesInRegion(region: string): InstanceTypeInfo[] {
  return INSTANCE_TYPES.filter((x) => !x.notIn?.includes(region));
}

export interface PublicImageTemplate {
  key: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  arch: Architecture;
  platform?: 'windows';
  platformDetails: string;
  rootDeviceName: string;
  rootSizeGb: number;
  creationDate: string;
}

/** Owner accounts of well-known public images (real account ids). */
export const PUBLIC_IMAGE_OWNERS = {
  canonical: '099720109477',
  debian: '136693071363',
  amazon: '137112412989',
  amazonWindows: '801119661308',
} as const;

export const PUBLIC_IMAGES: readonly PublicImageTemplate[] = [
  {
    key: 'ubuntu-2404-amd64',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260301',
    description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
    ownerId: PUBLIC_IMAGE_OWNERS.canonical,
    arch: 'x86_64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/sda1',
    rootSizeGb: 8,
    creationDate: '2026-03-01T08:12:44.000Z',
  },
  {
    key: 'ubuntu-2404-arm64',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20260301',
    description: 'Canonical, Ubuntu, 24.04, arm64 noble image',
    ownerId: PUBLIC_IMAGE_OWNERS.canonical,
    arch: 'arm64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/sda1',
    rootSizeGb: 8,
    creationDate: '2026-03-01T08:14:02.000Z',
  },
  {
    key: 'ubuntu-2204-amd64',
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20260215',
    description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image',
    ownerId: PUBLIC_IMAGE_OWNERS.canonical,
    arch: 'x86_64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/sda1',
    rootSizeGb: 8,
    creationDate: '2026-02-15T10:01:19.000Z',
  },
  {
    key: 'debian-12-amd64',
    name: 'debian-12-amd64-20260210-1652',
    description: 'Debian 12 (20260210-1652)',
    ownerId: PUBLIC_IMAGE_OWNERS.debian,
    arch: 'x86_64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    rootSizeGb: 8,
    creationDate: '2026-02-10T17:20:31.000Z',
  },
  {
    key: 'debian-12-arm64',
    name: 'debian-12-arm64-20260210-1652',
    description: 'Debian 12 (20260210-1652)',
    ownerId: PUBLIC_IMAGE_OWNERS.debian,
    arch: 'arm64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    rootSizeGb: 8,
    creationDate: '2026-02-10T17:22:05.000Z',
  },
  {
    key: 'al2023-x86_64',
    name: 'al2023-ami-2023.6.20260218.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.6.20260218.0 x86_64 HVM kernel-6.1',
    ownerId: PUBLIC_IMAGE_OWNERS.amazon,
    ownerAlias: 'amazon',
    arch: 'x86_64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    rootSizeGb: 8,
    creationDate: '2026-02-19T00:41:12.000Z',
  },
  {
    key: 'al2023-arm64',
    name: 'al2023-ami-2023.6.20260218.0-kernel-6.1-arm64',
    description: 'Amazon Linux 2023 AMI 2023.6.20260218.0 arm64 HVM kernel-6.1',
    ownerId: PUBLIC_IMAGE_OWNERS.amazon,
    ownerAlias: 'amazon',
    arch: 'arm64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    rootSizeGb: 8,
    creationDate: '2026-02-19T00:43:40.000Z',
  },
  {
    key: 'windows-2022',
    name: 'Windows_Server-2022-English-Full-Base-2026.02.11',
    description: 'Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon',
    ownerId: PUBLIC_IMAGE_OWNERS.amazonWindows,
    ownerAlias: 'amazon',
    arch: 'x86_64',
    platform: 'windows',
    platformDetails: 'Windows',
    rootDeviceName: '/dev/sda1',
    rootSizeGb: 30,
    creationDate: '2026-02-11T22:05:51.000Z',
  },
];

/** Images the simulated account owns in every region (custom "golden" images). */
export const OWNED_IMAGES: readonly Omit<PublicImageTemplate, 'ownerId'>[] = [
  {
    key: 'overcast-base',
    name: 'overcast-base-2026-01',
    description: 'Team base image',
    arch: 'x86_64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    rootSizeGb: 16,
    creationDate: '2026-01-12T09:30:00.000Z',
  },
  {
    key: 'overcast-worker-arm',
    name: 'overcast-worker-arm-2026-02',
    description: 'Worker image (arm64)',
    arch: 'arm64',
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    rootSizeGb: 20,
    creationDate: '2026-02-02T14:00:00.000Z',
  },
];
