// The static part of the DigitalOcean world: regions, sizes and public images, shaped like
// the objects the v2 API nests inside droplets and returns from /v2/regions, /v2/sizes, /v2/images.

export interface DoRegion {
  slug: string;
  name: string;
  features: string[];
  available: boolean;
  sizes: string[];
}

export interface DoSize {
  slug: string;
  description: string;
  memory: number;
  vcpus: number;
  disk: number;
  transfer: number;
  price_monthly: number;
  price_hourly: number;
  regions: string[];
  available: boolean;
}

export interface DoImage {
  id: number;
  name: string;
  distribution: string;
  slug: string | null;
  public: boolean;
  regions: string[];
  created_at: string;
  min_disk_size: number;
  type: 'base' | 'snapshot' | 'backup' | 'custom';
  size_gigabytes: number;
  description: string;
  tags: string[];
  status: 'available';
}

const REGION_FEATURES = ['private_networking', 'backups', 'ipv6', 'metadata', 'install_agent', 'storage'];

const REGION_NAMES: Array<[string, string, boolean]> = [
  ['nyc1', 'New York 1', true],
  ['nyc3', 'New York 3', true],
  ['sfo3', 'San Francisco 3', true],
  ['ams3', 'Amsterdam 3', true],
  ['sgp1', 'Singapore 1', true],
  ['lon1', 'London 1', true],
  ['fra1', 'Frankfurt 1', true],
  ['tor1', 'Toronto 1', true],
  ['blr1', 'Bangalore 1', true],
  ['syd1', 'Sydney 1', true],
  // Closed to new droplets, as old regions are; lets clients see `available: false`.
  ['ams2', 'Amsterdam 2', false],
];

const SIZE_ROWS: Array<[string, string, number, number, number, number, number, number]> = [
  // slug, description, memory MB, vcpus, disk GB, transfer TB, $/month, $/hour
  ['s-1vcpu-512mb-10gb', 'Basic', 512, 1, 10, 0.5, 4, 0.00595],
  ['s-1vcpu-1gb', 'Basic', 1024, 1, 25, 1, 6, 0.00893],
  ['s-1vcpu-2gb', 'Basic', 2048, 1, 50, 2, 12, 0.01786],
  ['s-2vcpu-2gb', 'Basic', 2048, 2, 60, 3, 18, 0.02679],
  ['s-2vcpu-4gb', 'Basic', 4096, 2, 80, 4, 24, 0.03571],
  ['s-4vcpu-8gb', 'Basic', 8192, 4, 160, 5, 48, 0.07143],
  ['c-2', 'CPU-Optimized', 4096, 2, 25, 4, 42, 0.0625],
  ['g-2vcpu-8gb', 'General Purpose', 8192, 2, 25, 4, 63, 0.09375],
  ['m-2vcpu-16gb', 'Memory-Optimized', 16384, 2, 50, 4, 84, 0.125],
];

const IMAGE_ROWS: Array<[number, string, string, string, string]> = [
  // id, slug, distribution, name, description
  [162000001, 'ubuntu-24-04-x64', 'Ubuntu', '24.04 (LTS) x64', 'Ubuntu 24.04 (LTS) x64'],
  [162000002, 'ubuntu-22-04-x64', 'Ubuntu', '22.04 (LTS) x64', 'Ubuntu 22.04 (LTS) x64'],
  [162000003, 'debian-12-x64', 'Debian', '12 x64', 'Debian 12 x64 (bookworm)'],
  [162000004, 'fedora-40-x64', 'Fedora', '40 x64', 'Fedora 40 x64'],
  [162000005, 'rockylinux-9-x64', 'Rocky Linux', '9 x64', 'Rocky Linux 9 x64'],
  [162000006, 'centos-stream-9-x64', 'CentOS', 'Stream 9 x64', 'CentOS Stream 9 x64'],
];

const openRegions = REGION_NAMES.filter(([, , available]) => available).map(([slug]) => slug);

export const SIZES: DoSize[] = SIZE_ROWS.map(
  ([slug, description, memory, vcpus, disk, transfer, pm, ph]) => ({
    slug,
    description,
    memory,
    vcpus,
    disk,
    transfer,
    price_monthly: pm,
    price_hourly: ph,
    regions: [...openRegions],
    available: true,
  }),
);

export const REGIONS: DoRegion[] = REGION_NAMES.map(([slug, name, available]) => ({
  slug,
  name,
  features: [...REGION_FEATURES],
  available,
  sizes: available ? SIZES.map((s) => s.slug) : [],
}));

export const PUBLIC_IMAGES: DoImage[] = IMAGE_ROWS.map(([id, slug, distribution, name, description]) => ({
  id,
  name,
  distribution,
  slug,
  public: true,
  regions: [...openRegions],
  created_at: '2024-05-01T12:00:00Z',
  min_disk_size: 7,
  type: 'base',
  size_gigabytes: 2.36,
  description,
  tags: [],
  status: 'available',
}));

const regionBySlug = new Map(REGIONS.map((r) => [r.slug, r]));
const sizeBySlug = new Map(SIZES.map((s) => [s.slug, s]));

export const findRegion = (slug: string): DoRegion | undefined => regionBySlug.get(slug);
export const findSize = (slug: string): DoSize | undefined => sizeBySlug.get(slug);
