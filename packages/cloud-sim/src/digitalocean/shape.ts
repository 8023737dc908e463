/**
 * Structural comparison of JSON documents: does `actual` have every field `reference` has, with
 * the same JSON type? Null on either side counts as a match (DigitalOcean and GCE both null out
 * optional objects). Returns the mismatching paths; empty means the structure is covered.
 */
export function missingStructure(
  reference: unknown,
  actual: unknown,
  path = '$',
  ignore: string[] = [],
): string[] {
  if (ignore.includes(path)) return [];
  if (reference === null || actual === null || reference === undefined) return [];
  if (actual === undefined) return [`${path}: missing`];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);
  if (kind(reference) !== kind(actual)) return [`${path}: expected ${kind(reference)}, got ${kind(actual)}`];
  if (Array.isArray(reference)) {
    const sample = (actual as unknown[])[0];
    if (reference.length === 0 || sample === undefined) return [];
    return missingStructure(reference[0], sample, `${path}[]`, ignore);
  }
  if (typeof reference === 'object') {
    const out: string[] = [];
    for (const [key, value] of Object.entries(reference as Record<string, unknown>)) {
      out.push(
        ...missingStructure(value, (actual as Record<string, unknown>)[key], `${path}.${key}`, ignore),
      );
    }
    return out;
  }
  return [];
}
