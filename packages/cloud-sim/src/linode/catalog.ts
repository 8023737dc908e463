// A slice of Linode's public catalogue, in API v4 shapes. Prices are USD numbers; some regions
// (Jakarta, São Paulo) charge more, listed in `region_prices` as Linode does.

export interface LinodeRegion {
  id: string;
  label: string;
  country: string;
  capabilities: string[];
  status: 'ok' | 'outage';
}

const CAPS = ['Linodes', 'Block Storage', 'Kubernetes', 'Vlans', 'Metadata'];

export const REGIONS: LinodeRegion[] = [
  { id: 'us-east', label: 'Newark, NJ', country: 'us', capabilities: CAPS, status: 'ok' },
  { id: 'us-west', label: 'Fremont, CA', country: 'us', capabilities: CAPS, status: 'ok' },
  { id: 'eu-west', label: 'London, UK', country: 'gb', capabilities: CAPS, status: 'ok' },
  { id: 'eu-central', label: 'Frankfurt, DE', country: 'de', capabilities: CAPS, status: 'ok' },
  { id: 'id-cgk', label: 'Jakarta, ID', country: 'id', capabilities: CAPS, status: 'ok' },
];

export interface LinodeType {
  id: string;
  label: string;
  class: 'nanode' | 'standard' | 'dedicated';
  disk: number;
  memory: number;
  vcpus: number;
  transfer: number;
  network_out: number;
  gpus: number;
  price: { hourly: number; monthly: number };
  region_prices: Array<{ id: string; hourly: number; monthly: number }>;
  successor: null;
}

const type = (
  id: string,
  label: string,
  cls: LinodeType['class'],
  vcpus: number,
  memoryMb: number,
  diskGb: number,
  hourly: number,
  monthly: number,
): LinodeType => ({
  id,
  label,
  class: cls,
  disk: diskGb * 1024,
  memory: memoryMb,
  vcpus,
  transfer: 1000 * Math.max(1, memoryMb / 1024),
  network_out: 1000,
  gpus: 0,
  price: { hourly, monthly },
  region_prices: [{ id: 'id-cgk', hourly: Math.round(hourly * 1.2 * 1e4) / 1e4, monthly: monthly * 1.2 }],
  successor: null,
});

export const TYPES: LinodeType[] = [
  type('g6-nanode-1', 'Nanode 1GB', 'nanode', 1, 1024, 25, 0.0075, 5),
  type('g6-standard-1', 'Linode 2GB', 'standard', 1, 2048, 50, 0.018, 12),
  type('g6-standard-2', 'Linode 4GB', 'standard', 2, 4096, 80, 0.036, 24),
  type('g6-dedicated-2', 'Dedicated 4GB', 'dedicated', 2, 4096, 80, 0.054, 36),
];

export interface LinodeImage {
  id: string;
  label: string;
  vendor: string;
  is_public: boolean;
  type: 'manual' | 'automatic';
  size: number;
  deprecated: boolean;
  created: string;
  created_by: string;
  description: string | null;
  status: 'available';
}

const image = (id: string, label: string, vendor: string): LinodeImage => ({
  id,
  label,
  vendor,
  is_public: true,
  type: 'manual',
  size: 2500,
  deprecated: false,
  created: '2024-06-10T12:00:00',
  created_by: 'linode',
  description: null,
  status: 'available',
});

export const IMAGES: LinodeImage[] = [
  image('linode/ubuntu24.04', 'Ubuntu 24.04 LTS', 'Ubuntu'),
  image('linode/debian12', 'Debian 12', 'Debian'),
  image('linode/almalinux9', 'AlmaLinux 9', 'AlmaLinux'),
  image('linode/alpine3.20', 'Alpine 3.20', 'Alpine'),
];
