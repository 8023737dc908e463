// The static part of the Compute Engine world: zones, machine types and the public image projects.

import { links } from './links';

export interface ZoneInfo {
  name: string;
  region: string;
  id: string;
}

export interface MachineTypeInfo {
  name: string;
  guestCpus: number;
  memoryMb: number;
  description: string;
  isSharedCpu: boolean;
}

export interface ImageInfo {
  project: string;
  name: string;
  id: string;
  family: string;
  description: string;
  diskSizeGb: number;
  creationTimestamp: string;
  deprecated?: { state: 'DEPRECATED' | 'OBSOLETE'; replacement: string };
  labels?: Record<string, string>;
  /** Full URLs of the licenses the image carries; every disk made from it inherits them. */
  licenses?: readonly string[];
}

const ZONE_ROWS: Array<[string, string[]]> = [
  ['us-central1', ['a', 'b', 'c', 'f']],
  ['us-east1', ['b', 'c', 'd']],
  ['europe-west1', ['b', 'c', 'd']],
  ['europe-west4', ['a', 'b']],
  ['asia-east1', ['a', 'b']],
];

export const ZONES: ZoneInfo[] = ZONE_ROWS.flatMap(([region, letters], r) =>
  letters.map((l, i) => ({ name: `${region}-${l}`, region, id: String(2000 + r * 10 + i) })),
);

export const MACHINE_TYPES: MachineTypeInfo[] = [
  ['e2-micro', 2, 1024, true],
  ['e2-small', 2, 2048, true],
  ['e2-medium', 2, 4096, true],
  ['e2-standard-2', 2, 8192, false],
  ['e2-standard-4', 4, 16384, false],
  ['n1-standard-1', 1, 3840, false],
  ['n1-standard-2', 2, 7680, false],
  ['n2-standard-2', 2, 8192, false],
  ['n2-standard-4', 4, 16384, false],
  ['c2-standard-4', 4, 16384, false],
].map(([name, guestCpus, memoryMb, isSharedCpu]) => ({
  name: name as string,
  guestCpus: guestCpus as number,
  memoryMb: memoryMb as number,
  isSharedCpu: isSharedCpu as boolean,
  description: isSharedCpu
    ? `${guestCpus} vCPU (shared), ${(memoryMb as number) / 1024} GB RAM`
    : `${guestCpus} vCPU${guestCpus === 1 ? '' : 's'}, ${Math.round((memoryMb as number) / 102.4) / 10} GB RAM`,
}));

const image = (
  project: string,
  [name, license]: [string, string],
  family: string,
  description: string,
  id: string,
  deprecatedBy?: string,
): ImageInfo => ({
  project,
  name,
  family,
  description,
  id,
  diskSizeGb: 10,
  creationTimestamp: '2024-06-10T16:02:11.372-07:00',
  deprecated: deprecatedBy ? { state: 'DEPRECATED', replacement: deprecatedBy } : undefined,
  licenses: [links.license(project, license)],
});

export const PUBLIC_IMAGES: ImageInfo[] = [
  image(
    'debian-cloud',
    ['debian-12-bookworm-v20240611', 'debian-12-bookworm'],
    'debian-12',
    'Debian, Debian GNU/Linux, 12 (bookworm), amd64 built on 20240611',
    '3940001',
  ),
  image(
    'debian-cloud',
    ['debian-11-bullseye-v20240611', 'debian-11-bullseye'],
    'debian-11',
    'Debian, Debian GNU/Linux, 11 (bullseye), amd64 built on 20240611',
    '3940002',
  ),
  image(
    'debian-cloud',
    ['debian-10-buster-v20240110', 'debian-10-buster'],
    'debian-10',
    'Debian, Debian GNU/Linux, 10 (buster), amd64 built on 20240110',
    '3940003',
    'debian-11-bullseye-v20240611',
  ),
  image(
    'ubuntu-os-cloud',
    ['ubuntu-2204-jammy-v20240614', 'ubuntu-2204-lts'],
    'ubuntu-2204-lts',
    'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image built on 2024-06-14',
    '3940011',
  ),
  image(
    'ubuntu-os-cloud',
    ['ubuntu-2404-noble-amd64-v20240607', 'ubuntu-2404-lts'],
    'ubuntu-2404-lts-amd64',
    'Canonical, Ubuntu, 24.04 LTS, amd64 noble image built on 2024-06-07',
    '3940012',
  ),
  image(
    'centos-cloud',
    ['centos-stream-9-v20240611', 'centos-stream-9'],
    'centos-stream-9',
    'CentOS, CentOS, Stream 9, x86_64 built on 20240611',
    '3940021',
  ),
  image(
    'cos-cloud',
    ['cos-stable-113-18244-85-29', 'cos'],
    'cos-stable',
    'Google, Container-Optimized OS, 113-18244.85.29 LTS',
    '3940031',
  ),
];

export const PUBLIC_IMAGE_PROJECTS = [...new Set(PUBLIC_IMAGES.map((i) => i.project))];

const zoneByName = new Map(ZONES.map((z) => [z.name, z]));
const typeByName = new Map(MACHINE_TYPES.map((t) => [t.name, t]));

export const findZone = (name: string): ZoneInfo | undefined => zoneByName.get(name);
export const findMachineType = (name: string): MachineTypeInfo | undefined => typeByName.get(name);
export const DISK_TYPES = ['pd-standard', 'pd-balanced', 'pd-ssd'];
