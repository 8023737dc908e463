// What every emulated OpenStack cloud offers: a devstack-like set of flavors, Glance images and
// availability zones.

export interface OsFlavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  isPublic: boolean;
}

const flavor = (id: string, name: string, vcpus: number, ram: number, disk: number): OsFlavor => ({
  id,
  name,
  vcpus,
  ram,
  disk,
  ephemeral: 0,
  swap: 0,
  isPublic: true,
});

export const FLAVORS: OsFlavor[] = [
  flavor('1', 'm1.tiny', 1, 512, 1),
  flavor('2', 'm1.small', 1, 2048, 20),
  flavor('3', 'm1.medium', 2, 4096, 40),
  flavor('4', 'm1.large', 4, 8192, 80),
  flavor('5', 'm1.xlarge', 8, 16384, 160),
  flavor('c1', 'cirros256', 1, 256, 1),
  flavor('d2', 'ds2G', 2, 2048, 10),
];

export interface OsImage {
  id: string;
  name: string;
  osDistro: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  minDisk: number;
  size: number;
  createdAt: string;
  /** A project's own image (a server's snapshot): where it is, how far along, and its properties. */
  region?: string;
  status?: 'queued' | 'saving' | 'active';
  properties?: Record<string, string>;
}

export const IMAGES: OsImage[] = [
  {
    id: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
    name: 'cirros-0.6.2-x86_64-disk',
    osDistro: 'cirros',
    visibility: 'public',
    minDisk: 0,
    size: 21_430_272,
    createdAt: '2024-01-02T10:00:00Z',
  },
  {
    id: '1a5e8b2c-7d3f-4c6a-8e9b-0f1d2c3b4a02',
    name: 'ubuntu-24.04',
    osDistro: 'ubuntu',
    visibility: 'public',
    minDisk: 10,
    size: 619_954_176,
    createdAt: '2024-05-01T10:00:00Z',
  },
  {
    id: '2b6f9c3d-8e4a-4d7b-9f0c-1a2e3d4c5b03',
    name: 'debian-12',
    osDistro: 'debian',
    visibility: 'public',
    minDisk: 5,
    size: 352_321_536,
    createdAt: '2024-06-10T10:00:00Z',
  },
  {
    id: '3c7a0d4e-9f5b-4e8c-a01d-2b3f4e5d6c04',
    name: 'rocky-9',
    osDistro: 'rocky',
    visibility: 'public',
    minDisk: 10,
    size: 1_073_741_824,
    createdAt: '2024-07-20T10:00:00Z',
  },
  {
    id: '4d8b1e5f-a06c-4f9d-b12e-3c4a5f6e7d05',
    name: 'app-golden-2024-09',
    osDistro: 'ubuntu',
    visibility: 'private',
    minDisk: 20,
    size: 2_147_483_648,
    createdAt: '2024-09-01T10:00:00Z',
  },
];

export const ZONES = ['nova', 'az-2'];

export const findFlavor = (ref: unknown) =>
  typeof ref === 'string' || typeof ref === 'number'
    ? FLAVORS.find((f) => f.id === String(ref) || String(ref).endsWith(`/flavors/${f.id}`))
    : undefined;

export const findImage = (ref: unknown) =>
  typeof ref === 'string' ? IMAGES.find((i) => i.id === ref || ref.endsWith(`/images/${i.id}`)) : undefined;
