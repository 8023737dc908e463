// Where emulated machines live. Everything a test starts must stay on loopback, so every
// emulator hands out addresses inside 127.0.0.0/8 (all of it is loopback on Linux, so a real
// sshd can listen on any of them). Each emulator and each kind of address gets its own block,
// so an address says which emulator made it and two emulators never collide.
//
// Layout: 127.<b>.<c>.<d>, b = 16 + 16 * emulator + (private ? 8 : 0) + (n >>> 16): eight
// second octets, 2^19 = 524,288 addresses per block. 127.0.x.x (127.0.0.1 and the tests' own
// services) and 127.208-255.x.x are left to tests.

/** The emulators in the order of their blocks; append, never reorder (tests name addresses). */
export const ADDRESS_EMULATORS = [
  'ec2',
  'gce',
  'azure',
  'digitalocean',
  'hetzner',
  'linode',
  'vultr',
  'openstack',
  'proxmox',
  'docker',
  'vsphere',
  'kubevirt',
] as const;

export type AddressEmulator = (typeof ADDRESS_EMULATORS)[number];
export type AddressKind = 'public' | 'private';

const BLOCK_BITS = 19;
const FIRST_OCTET = 16;

/** The second octets of an emulator's block for one kind: `[first, last]`. */
export function addressBlock(emulator: AddressEmulator, kind: AddressKind): [number, number] {
  const first = FIRST_OCTET + 16 * ADDRESS_EMULATORS.indexOf(emulator) + (kind === 'private' ? 8 : 0);
  return [first, first + (1 << (BLOCK_BITS - 16)) - 1];
}

/**
 * Machine number `n`'s address of `kind` on `emulator`: distinct for distinct `n` below 524,288
 * (beyond, it wraps), never 127.0.0.1.
 */
export function machineAddress(emulator: AddressEmulator, kind: AddressKind, n: number): string {
  const v = (n >>> 0) % (1 << BLOCK_BITS);
  const b = addressBlock(emulator, kind)[0] + (v >>> 16);
  return `127.${b}.${(v >>> 8) & 255}.${v & 255}`;
}
