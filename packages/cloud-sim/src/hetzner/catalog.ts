// A slice of Hetzner Cloud's public catalogue, in its API's own shapes. Prices are per
// location, as decimal strings in EUR, net and gross (with German VAT), as Hetzner sends them.

export interface HzLocation {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

export const LOCATIONS: HzLocation[] = [
  {
    id: 1,
    name: 'fsn1',
    description: 'Falkenstein DC Park 1',
    country: 'DE',
    city: 'Falkenstein',
    latitude: 50.47612,
    longitude: 12.370071,
    network_zone: 'eu-central',
  },
  {
    id: 2,
    name: 'nbg1',
    description: 'Nuremberg DC Park 1',
    country: 'DE',
    city: 'Nuremberg',
    latitude: 49.452102,
    longitude: 11.076665,
    network_zone: 'eu-central',
  },
  {
    id: 3,
    name: 'hel1',
    description: 'Helsinki DC Park 1',
    country: 'FI',
    city: 'Helsinki',
    latitude: 60.169855,
    longitude: 24.938379,
    network_zone: 'eu-central',
  },
  {
    id: 4,
    name: 'ash',
    description: 'Ashburn, VA',
    country: 'US',
    city: 'Ashburn, VA',
    latitude: 39.045821,
    longitude: -77.487073,
    network_zone: 'us-east',
  },
];

const gross = (net: number) => (net * 1.19).toFixed(10);
const price = (location: string, hourly: number, monthly: number) => ({
  location,
  price_hourly: { net: hourly.toFixed(10), gross: gross(hourly) },
  price_monthly: { net: monthly.toFixed(10), gross: gross(monthly) },
  included_traffic: 21_990_232_555_520,
  price_per_tb_traffic: { net: '1.0000000000', gross: '1.1900000000' },
});

export interface HzServerType {
  id: number;
  name: string;
  description: string;
  cores: number;
  memory: number;
  disk: number;
  deprecated: boolean;
  prices: ReturnType<typeof price>[];
  storage_type: 'local' | 'network';
  cpu_type: 'shared' | 'dedicated';
  architecture: 'x86' | 'arm';
}

/** Server types: EU prices everywhere in Europe, a dearer US price where the type is offered there. */
function serverType(
  id: number,
  name: string,
  cores: number,
  memory: number,
  disk: number,
  hourly: number,
  monthly: number,
  us: boolean,
  architecture: 'x86' | 'arm' = 'x86',
): HzServerType {
  const eu = ['fsn1', 'nbg1', 'hel1'].map((l) => price(l, hourly, monthly));
  return {
    id,
    name,
    description: name.toUpperCase(),
    cores,
    memory,
    disk,
    deprecated: false,
    prices: us ? [...eu, price('ash', hourly * 1.2, monthly * 1.2)] : eu,
    storage_type: 'local',
    cpu_type: 'shared',
    architecture,
  };
}

export const SERVER_TYPES: HzServerType[] = [
  serverType(104, 'cx22', 2, 4, 40, 0.006, 3.79, false),
  serverType(105, 'cx32', 4, 8, 80, 0.0113, 6.8, false),
  serverType(22, 'cpx11', 2, 2, 40, 0.0071, 4.35, true),
  serverType(23, 'cpx21', 3, 4, 80, 0.0123, 7.55, true),
  serverType(45, 'cax11', 2, 4, 40, 0.0062, 3.79, false, 'arm'),
];

export interface HzImage {
  id: number;
  type: 'system' | 'snapshot';
  status: 'available' | 'creating';
  name: string | null;
  description: string;
  os_flavor: string;
  os_version: string | null;
  architecture: 'x86' | 'arm';
  disk_size: number;
  created: string;
  deprecated: string | null;
  labels: Record<string, string>;
}

const system = (id: number, name: string, description: string, flavor: string, version: string): HzImage => ({
  id,
  type: 'system',
  status: 'available',
  name,
  description,
  os_flavor: flavor,
  os_version: version,
  architecture: 'x86',
  disk_size: 5,
  created: '2024-04-25T13:51:02Z',
  deprecated: null,
  labels: {},
});

export const IMAGES: HzImage[] = [
  system(161547269, 'ubuntu-24.04', 'Ubuntu 24.04', 'ubuntu', '24.04'),
  system(114690387, 'debian-12', 'Debian 12', 'debian', '12'),
  system(76766499, 'rocky-9', 'Rocky Linux 9', 'rocky', '9'),
  system(186889553, 'fedora-40', 'Fedora 40', 'fedora', '40'),
];

export const findServerType = (ref: unknown) =>
  SERVER_TYPES.find((t) => t.name === ref || (typeof ref === 'number' && t.id === ref));
export const findLocation = (ref: unknown) => LOCATIONS.find((l) => l.name === ref || l.id === ref);
export const findImage = (ref: unknown) =>
  IMAGES.find((i) => i.name === ref || i.id === ref || String(i.id) === ref);
