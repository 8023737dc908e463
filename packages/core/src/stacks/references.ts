// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}, not JavaScript
/** A `${...}` reference inside a template's text. */
export type Reference =
  | { kind: 'input'; name: string }
  | { kind: 'machine'; name: string; field: 'address' | 'addresses' }
  | { kind: 'volume'; name: string; field: 'id' | 'ids' }
  | { kind: 'step'; name: string };

const REFERENCE = /\$\{([^}]{0,200})\}/g;

/** Reads `inputs.x`, `machines.m.address(es)`, `volumes.v.id(s)` or `steps.s.output`; null for anything else. */
export function readReference(text: string): Reference | null {
  const parts = text.trim().split('.');
  if (parts[0] === 'inputs' && parts.length === 2 && parts[1]) return { kind: 'input', name: parts[1] };
  if (
    parts[0] === 'machines' &&
    parts.length === 3 &&
    parts[1] &&
    (parts[2] === 'address' || parts[2] === 'addresses')
  )
    return { kind: 'machine', name: parts[1], field: parts[2] };
  // A volume's id at its provider: how a step finds the disk (DigitalOcean names it in /dev/disk/by-id).
  if (parts[0] === 'volumes' && parts.length === 3 && parts[1] && (parts[2] === 'id' || parts[2] === 'ids'))
    return { kind: 'volume', name: parts[1], field: parts[2] };
  if (parts[0] === 'steps' && parts.length === 3 && parts[1] && parts[2] === 'output')
    return { kind: 'step', name: parts[1] };
  return null;
}

/** Every reference in a text, with the raw form (for messages); `$${` is a literal `${`. */
export function referencesIn(text: string): { raw: string; ref: Reference | null }[] {
  const found: { raw: string; ref: Reference | null }[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    if (m.index > 0 && text[m.index - 1] === '$') continue;
    found.push({ raw: m[0], ref: readReference(m[1]!) });
  }
  return found;
}

/** Values references resolve to; a missing one is an error the caller words. */
export interface ReferenceValues {
  inputs: Record<string, string>;
  machines: Record<string, string[]>;
  volumes: Record<string, string[]>;
  steps: Record<string, string>;
}

/** Replaces every reference in a text; throws naming the first that has no value. */
export function substitute(text: string, values: ReferenceValues): string {
  return text
    .replace(REFERENCE, (whole, inner: string, offset: number) => {
      if (offset > 0 && text[offset - 1] === '$') return whole;
      const ref = readReference(inner);
      const many = (list: string[] | undefined, first: boolean) => (first ? list?.[0] : list?.join(' '));
      const value =
        ref?.kind === 'input'
          ? values.inputs[ref.name]
          : ref?.kind === 'machine'
            ? many(values.machines[ref.name], ref.field === 'address')
            : ref?.kind === 'volume'
              ? many(values.volumes[ref.name], ref.field === 'id')
              : ref?.kind === 'step'
                ? values.steps[ref.name]
                : undefined;
      if (value === undefined) throw new Error(`${whole} has no value yet`);
      return value;
    })
    .replaceAll('$${', '${');
}
