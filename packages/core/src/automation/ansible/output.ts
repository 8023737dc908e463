// Reading ansible-playbook's default output: which machine a line is about, and the recap that
// says how each machine fared.

/** "ok: [web1]", "fatal: [web1]: FAILED! ...", "changed: [web1 -> other] => (item=x)" */
const HOST_LINE = /^[a-z]+: \[([^\]\s]+)(?: -> [^\]]*)?\]/;

/** "web1   : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0" */
const RECAP_LINE = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/;

export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

/** The machine alias a line of output is about, or null for a line about the whole run. */
export function hostOfLine(line: string): string | null {
  const m = HOST_LINE.exec(line) ?? RECAP_LINE.exec(line);
  return m?.[1] ?? null;
}

export function recapOfLine(line: string): [string, Recap] | null {
  const m = RECAP_LINE.exec(line);
  if (!m) return null;
  return [
    m[1] as string,
    { ok: Number(m[2]), changed: Number(m[3]), unreachable: Number(m[4]), failed: Number(m[5]) },
  ];
}

/** Splits a stream into whole lines, however it was chunked. */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const line of parts) this.onLine(`${line}\n`);
  }
  end(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}
