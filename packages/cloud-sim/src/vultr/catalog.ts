// A slice of Vultr's public catalogue, in API v2 shapes. Plans carry their monthly and hourly
// prices in USD and the regions that offer them.

export interface VultrRegion {
  id: string;
  city: string;
  country: string;
  continent: string;
  options: string[];
}

export const REGIONS: VultrRegion[] = [
  { id: 'ewr', city: 'New Jersey', country: 'US', continent: 'North America', options: ['ddos_protection'] },
  { id: 'ord', city: 'Chicago', country: 'US', continent: 'North America', options: ['ddos_protection'] },
  { id: 'ams', city: 'Amsterdam', country: 'NL', continent: 'Europe', options: ['ddos_protection'] },
  { id: 'fra', city: 'Frankfurt', country: 'DE', continent: 'Europe', options: ['ddos_protection'] },
  { id: 'nrt', city: 'Tokyo', country: 'JP', continent: 'Asia', options: [] },
];

export interface VultrPlan {
  id: string;
  vcpu_count: number;
  ram: number;
  disk: number;
  disk_count: number;
  bandwidth: number;
  monthly_cost: number;
  hourly_cost: number;
  type: string;
  locations: string[];
}

const ALL = REGIONS.map((r) => r.id);

export const PLANS: VultrPlan[] = [
  {
    id: 'vc2-1c-1gb',
    vcpu_count: 1,
    ram: 1024,
    disk: 25,
    disk_count: 1,
    bandwidth: 1024,
    monthly_cost: 5,
    hourly_cost: 0.007,
    type: 'vc2',
    locations: ALL,
  },
  {
    id: 'vc2-1c-2gb',
    vcpu_count: 1,
    ram: 2048,
    disk: 55,
    disk_count: 1,
    bandwidth: 2048,
    monthly_cost: 10,
    hourly_cost: 0.015,
    type: 'vc2',
    locations: ALL,
  },
  {
    id: 'vc2-2c-4gb',
    vcpu_count: 2,
    ram: 4096,
    disk: 80,
    disk_count: 1,
    bandwidth: 3072,
    monthly_cost: 20,
    hourly_cost: 0.03,
    type: 'vc2',
    locations: ALL,
  },
  {
    id: 'vhf-2c-4gb',
    vcpu_count: 2,
    ram: 4096,
    disk: 128,
    disk_count: 1,
    bandwidth: 3072,
    monthly_cost: 24,
    hourly_cost: 0.036,
    type: 'vhf',
    locations: ['ewr', 'ams', 'fra'],
  },
];

export interface VultrOs {
  id: number;
  name: string;
  arch: string;
  family: string;
}

export const OPERATING_SYSTEMS: VultrOs[] = [
  { id: 2284, name: 'Ubuntu 24.04 LTS x64', arch: 'x64', family: 'ubuntu' },
  { id: 2136, name: 'Debian 12 x64 (bookworm)', arch: 'x64', family: 'debian' },
  { id: 1869, name: 'Rocky Linux 9 x64', arch: 'x64', family: 'rockylinux' },
  { id: 2076, name: 'Alpine Linux x64', arch: 'x64', family: 'alpinelinux' },
];
