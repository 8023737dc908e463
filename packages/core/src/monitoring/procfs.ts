import { cpuPercent, MAX_MOUNTS, type MetricValue, percent, rate } from './metrics';

// Agentless collection: one short POSIX sh command reads /proc twice, a second apart (CPU and
// network are counters, so a rate needs two readings), then load, memory and disk usage.
// Nothing is installed on the machine and nothing runs between collections.

export const PROC_COMMAND = [
  'export LC_ALL=C',
  "snap() { echo '#uptime'; cat /proc/uptime; echo '#stat'; head -n 1 /proc/stat; echo '#net'; cat /proc/net/dev; }",
  'snap',
  'sleep 1',
  'snap',
  "echo '#load'; cat /proc/loadavg",
  "echo '#mem'; cat /proc/meminfo",
  "echo '#df'; df -P -k 2>/dev/null",
  'true',
].join('\n');

/** File systems that are not disks: their usage says nothing about running out of space. */
const PSEUDO_FS =
  /^(tmpfs|devtmpfs|udev|none|overlay|shm|squashfs|proc|sysfs|cgroup2?|devpts|mqueue|efivarfs|nsfs|ramfs|run|tracefs|securityfs|fusectl|debugfs|binfmt_misc|configfs|hugetlbfs|pstore|autofs|bpf|portal)$/;

interface Snapshot {
  uptime?: number;
  cpu?: number[];
  rx: number;
  tx: number;
}

function parseNet(lines: string[]): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    if (iface === 'lo') continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 9 || f.some((n) => !Number.isFinite(n))) continue;
    rx += f[0]!;
    tx += f[8]!;
  }
  return { rx, tx };
}

function sections(text: string): { name: string; lines: string[] }[] {
  const out: { name: string; lines: string[] }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) out.push({ name: line.slice(1).trim(), lines: [] });
    else if (line.trim() && out.length) out[out.length - 1]!.lines.push(line);
  }
  return out;
}

/** Turns PROC_COMMAND's output into readings; anything unreadable is left out rather than guessed. */
export function parseProcOutput(text: string): MetricValue[] {
  const snaps: Snapshot[] = [];
  const values: MetricValue[] = [];
  for (const { name, lines } of sections(text)) {
    switch (name) {
      case 'uptime':
        snaps.push({ uptime: Number(lines[0]?.split(/\s+/)[0]), rx: 0, tx: 0 });
        break;
      case 'stat': {
        const fields = lines[0]?.trim().split(/\s+/) ?? [];
        const snap = snaps[snaps.length - 1];
        if (snap && fields[0] === 'cpu') snap.cpu = fields.slice(1).map(Number);
        break;
      }
      case 'net': {
        const snap = snaps[snaps.length - 1];
        if (snap) Object.assign(snap, parseNet(lines));
        break;
      }
      case 'load': {
        const [l1, l5, l15] = (lines[0] ?? '').split(/\s+/).map(Number);
        for (const [metric, v] of [
          ['load1', l1],
          ['load5', l5],
          ['load15', l15],
        ] as const) {
          if (Number.isFinite(v)) values.push({ metric, series: '', value: v as number });
        }
        break;
      }
      case 'mem': {
        const kb = new Map<string, number>();
        for (const line of lines) {
          const m = /^(\w+):\s+(\d+)/.exec(line);
          if (m) kb.set(m[1]!, Number(m[2]));
        }
        const total = kb.get('MemTotal') ?? 0;
        const available =
          kb.get('MemAvailable') ??
          (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
        const used = percent(total - available, total);
        if (used !== null) values.push({ metric: 'memory', series: '', value: used });
        break;
      }
      case 'df': {
        const seen = new Set<string>();
        for (const line of lines.slice(1)) {
          const f = line.trim().split(/\s+/);
          if (f.length < 6) continue;
          const [fs, , used, avail] = f;
          const mount = f.slice(5).join(' ');
          if (!mount.startsWith('/') || PSEUDO_FS.test(fs!) || seen.has(mount)) continue;
          const u = Number(used);
          const a = Number(avail);
          const p = percent(u, u + a);
          if (p === null || seen.size >= MAX_MOUNTS) continue;
          seen.add(mount);
          values.push({ metric: 'disk', series: mount, value: p });
        }
        break;
      }
    }
  }
  const [a, b] = snaps;
  if (a && b) {
    const cpu = a.cpu && b.cpu ? cpuPercent(a.cpu, b.cpu) : null;
    if (cpu !== null) values.push({ metric: 'cpu', series: '', value: cpu });
    const seconds = (b.uptime ?? 0) - (a.uptime ?? 0) || 1;
    const rx = rate(a.rx, b.rx, seconds);
    const tx = rate(a.tx, b.tx, seconds);
    if (rx !== null) values.push({ metric: 'net_rx', series: '', value: rx });
    if (tx !== null) values.push({ metric: 'net_tx', series: '', value: tx });
  }
  return values;
}
