// IPv4 ranges as the emulators check them: parsed, tested for containment and overlap.

export interface V4Range {
  /** The first address, as a number. */
  base: number;
  bits: number;
}

/** "10.0.0.0/16" -> its range; null when it is no IPv4 CIDR. `aligned` is false when host bits are set. */
export function readV4Cidr(text: string): (V4Range & { aligned: boolean }) | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return null;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base, bits, aligned: base % 2 ** (32 - bits) === 0 };
}

export const within = (inner: V4Range, outer: V4Range) =>
  inner.bits >= outer.bits &&
  Math.floor(inner.base / 2 ** (32 - outer.bits)) * 2 ** (32 - outer.bits) === outer.base;

export const overlaps = (a: V4Range, b: V4Range) => within(a, b) || within(b, a);

/** The address `offset` places into the range, dotted. */
export function addressIn(range: V4Range, offset: number): string {
  const n = range.base + offset;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
