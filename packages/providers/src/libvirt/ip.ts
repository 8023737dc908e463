import { isIP } from 'node:net';

/** RFC 1918, CGNAT, loopback, link-local and IPv6 unique-local addresses count as private. */
export function isPrivateIp(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (family === 6) {
    const lower = address.toLowerCase();
    return lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
  }
  return false;
}

export const isLinkLocal = (address: string) => /^fe[89ab]/i.test(address) || address.startsWith('169.254.');

/** Splits addresses into public and private, dropping link-local ones nobody can use from outside. */
export function splitAddresses(addresses: string[]): { publicIps: string[]; privateIps: string[] } {
  const unique = [...new Set(addresses)].filter((a) => isIP(a) && !isLinkLocal(a));
  return {
    publicIps: unique.filter((a) => !isPrivateIp(a)),
    privateIps: unique.filter((a) => isPrivateIp(a)),
  };
}
