import { machineAddress } from '../common/addresses';

// Deterministic, collision-free resource ids and addresses. A seeded emulator must hand out
// the same ids on every run, so ids come from counters passed through bijective mixers
// (distinct counters can never collide) instead of a random source.

/** A 32-bit bijection (odd multiplier + xor-shifts), so distinct inputs give distinct outputs. */
function mix32(x: number, salt: number): number {
  let h = (x ^ salt) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** 17 hex digits like modern EC2 ids (`i-0abc...`), unique per (kind, counter). */
export function resourceId(prefix: string, counter: number, salt: number): string {
  // The low half alone is a bijection of the counter, which is what makes ids unique;
  // the high half only makes them look like real ones.
  const low = mix32(counter >>> 0, salt);
  const high = mix32(low, salt ^ 0x5bd1e995);
  return `${prefix}-0${hex8(high)}${hex8(low)}`;
}

/** FNV-1a: stable small hash for names (regions, image keys) that become id salts. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A small seeded PRNG (mulberry32) for spreading seeded machines over types, states, tags. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Private addresses, in EC2's loopback block. */
export const privateIp = (n: number): string => machineAddress('ec2', 'private', n);

/** Public addresses, in EC2's loopback block. */
export const publicIp = (n: number): string => machineAddress('ec2', 'public', n);

export function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

export function publicDnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1'
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.amazonaws.com`;
}

export function macAddress(n: number): string {
  const v = mix32(n, 0x2545f491);
  const b = [0x0e, (v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255, n & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
