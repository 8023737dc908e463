// Readers for virsh's human-oriented outputs. Columns are found from the header line: virsh pads
// every column to its widest value, so a value may contain spaces and still be cut right.

/** Rows of a virsh table as header → value maps. */
export function parseTable(output: string): Record<string, string>[] {
  const lines = output.split('\n');
  const dash = lines.findIndex((l) => /^-{3,}\s*$/.test(l.trim()));
  if (dash < 1) return [];
  const header = lines[dash - 1] as string;
  const columns: { name: string; start: number }[] = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) columns.push({ name: m[0], start: m.index ?? 0 });
  return lines
    .slice(dash + 1)
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const row: Record<string, string> = {};
      columns.forEach((col, i) => {
        const end = columns[i + 1]?.start ?? line.length;
        row[col.name] = line.slice(col.start, i + 1 < columns.length ? end : undefined).trim();
      });
      return row;
    });
}

/** "Key:   value" lines (dominfo, nodeinfo, vol-info). */
export function parseKeyValues(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** `domstate --reason` prints "shut off (destroyed)"; plain `domstate` just "shut off". */
export function parseDomState(output: string): { state: string; reason: string | null } {
  const line = output.trim().split('\n')[0]?.trim() ?? '';
  const m = /^(.*?)\s*\(([^)]*)\)$/.exec(line);
  return m ? { state: m[1] as string, reason: m[2] as string } : { state: line, reason: null };
}

export interface InterfaceAddress {
  device: string;
  mac: string | null;
  family: string;
  address: string;
  prefix: number | null;
}

/** `domifaddr`: continuation rows repeat "-" for the interface name and MAC. */
export function parseDomIfAddr(output: string): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  let device = '';
  let mac: string | null = null;
  for (const row of parseTable(output)) {
    const cells = Object.values(row)
      .join(' ')
      .split(/\s+/)
      .filter((c) => c !== '');
    if (cells.length < 4) continue;
    const [name, hw, family, cidr] = cells as [string, string, string, string];
    if (name !== '-') device = name;
    if (hw !== '-') mac = hw;
    const [address, prefix] = cidr.split('/');
    if (address) out.push({ device, mac, family, address, prefix: prefix ? Number(prefix) : null });
  }
  return out;
}
