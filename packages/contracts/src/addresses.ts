import { isIP } from 'node:net';

// IP addresses as numbers, so that every spelling of one address (2130706433, 0x7f.1,
// ::ffff:7f00:1, ...) compares equal, and ranges are plain prefix checks.

export interface Ip {
  family: 4 | 6;
  value: bigint;
}

/** What kind of place an address is; only `public` is reachable without an allowance. */
export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  let s = text.replace(/%.*$/, '');
  // An embedded dotted quad (::ffff:127.0.0.1) becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    if (v4 === null) return null;
    s = `${s.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt(`0x${g}`);
  }
  return value;
}

/** A literal address (IPv6 with or without brackets); null for a name. */
export function parseIp(text: string): Ip | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  const kind = isIP(bare.replace(/%.*$/, ''));
  if (kind === 4) {
    const v = parseV4(bare);
    return v === null ? null : { family: 4, value: v };
  }
  if (kind === 6) {
    const v = parseV6(bare);
    return v === null ? null : { family: 6, value: v };
  }
  return null;
}

/**
 * A host as a connection would reach it: the URL parser's reading of IPv4 in decimal, octal or
 * hex (2130706433, 0177.0.0.1, 0x7f.1 are all 127.0.0.1), lower-cased names, IPv6 unbracketed.
 * Null when the text is no host name at all.
 */
export function canonicalHost(host: string): string | null {
  const trimmed = host.trim();
  if (!trimmed || !/^[A-Za-z0-9._:%[\]-]+$/.test(trimmed)) return null;
  const bracketed = trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed;
  try {
    const { hostname } = new URL(`http://${bracketed}/`);
    return hostname.replace(/^\[(.*)\]$/, '$1') || null;
  } catch {
    return null;
  }
}

export function parseCidr(text: string): Cidr | null {
  const [addr, bitsText, extra] = text.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const max = BITS[ip.family];
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!/^\d{1,3}$/.test(bitsText ?? String(max)) || bits > max) return null;
  return { family: ip.family, base: mask(ip.value, bits, max), bits };
}

function mask(value: bigint, bits: number, max: number): bigint {
  const hostBits = BigInt(max - bits);
  return (value >> hostBits) << hostBits;
}

export function inCidr(ip: Ip, cidr: Cidr): boolean {
  return ip.family === cidr.family && mask(ip.value, cidr.bits, BITS[ip.family]) === cidr.base;
}

/** IPv6 forms that carry an IPv4 address the packets end up at: mapped, NAT64 and 6to4. */
function embeddedV4(ip: Ip): Ip | null {
  if (ip.family !== 6) return null;
  const v = ip.value;
  if (v >> 32n === 0xffffn || v >> 32n === 0x0064ff9b0000000000000000n)
    return { family: 4, value: v & 0xffffffffn };
  if (v >> 112n === 0x2002n) return { family: 4, value: (v >> 80n) & 0xffffffffn };
  return null;
}

/** The address packets actually go to: IPv4-mapped and similar IPv6 forms unwrapped. */
export function effectiveIp(ip: Ip): Ip {
  return embeddedV4(ip) ?? ip;
}

const RANGES: [string, Exclude<AddressClass, 'public'>][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'private'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'private'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'],
  ['ff00::/8', 'multicast'],
];
const CLASSIFIED = RANGES.map(([cidr, kind]) => [parseCidr(cidr)!, kind] as const);

/** Where an address leads; an IPv4-mapped address is judged by the IPv4 address inside. */
export function classifyIp(ip: Ip): AddressClass {
  const target = effectiveIp(ip);
  // The most specific range decides (::/128 is unspecified, not the reserved ::/96).
  let best: { bits: number; kind: AddressClass } = { bits: -1, kind: 'public' };
  for (const [cidr, kind] of CLASSIFIED) {
    if (cidr.bits > best.bits && inCidr(target, cidr)) best = { bits: cidr.bits, kind };
  }
  return best.kind;
}
