import { isIP } from 'node:net';

/**
 * Read-only facts about a host, in one round trip. Sent on stdin to `sh -s`, so it runs under a
 * POSIX shell whatever the login shell is. Each probe has fallbacks for hosts without /proc
 * (BSD, macOS) or without the usual tools; a probe that finds nothing leaves its section empty.
 */
export const FACTS_SCRIPT = `
LC_ALL=C; export LC_ALL
section() { printf '\\n@@overcast:%s\\n' "$1"; }
section hostname
hostname 2>/dev/null || uname -n
section os-release
cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
section kernel
uname -sr
section arch
uname -m
section cpus
getconf _NPROCESSORS_ONLN 2>/dev/null || grep -c '^processor' /proc/cpuinfo 2>/dev/null || nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null
section memory
if [ -r /proc/meminfo ]; then
  grep -E '^(MemTotal|MemAvailable):' /proc/meminfo
else
  m=$(sysctl -n hw.memsize 2>/dev/null || sysctl -n hw.physmem 2>/dev/null)
  [ -n "$m" ] && echo "MemTotal: $((m / 1024)) kB"
fi
section uptime
if [ -r /proc/uptime ]; then
  cut -d' ' -f1 /proc/uptime
else
  b=$(sysctl -n kern.boottime 2>/dev/null | sed -n 's/.*sec = \\([0-9]*\\).*/\\1/p')
  [ -n "$b" ] && echo $(( $(date +%s) - b ))
fi
section addresses
if command -v ip >/dev/null 2>&1; then
  ip -o addr show 2>/dev/null
elif command -v ifconfig >/dev/null 2>&1; then
  ifconfig -a 2>/dev/null
else
  hostname -I 2>/dev/null
fi
section end
`;

export interface HostFacts {
  hostname: string | null;
  os: { id: string | null; versionId: string | null; prettyName: string | null };
  /** "Linux 6.1.0-18-amd64" */
  kernel: string | null;
  arch: string | null;
  cpus: number | null;
  memoryMb: number | null;
  memoryAvailableMb: number | null;
  uptimeSeconds: number | null;
  /** Global-scope addresses, without prefixes; loopback and link-local left out. */
  addresses: string[];
}

function sections(output: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = output.split(/^@@overcast:([a-z-]+)$/m);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i] as string, (parts[i + 1] ?? '').trim());
  return out;
}

/** KEY="value" lines of os-release, unquoted. */
function osRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2] as string;
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    out[m[1] as string] = value;
  }
  return out;
}

const kb = (text: string, key: string): number | null => {
  const m = new RegExp(`^${key}:\\s*(\\d+)\\s*kB`, 'm').exec(text);
  return m ? Math.round(Number(m[1]) / 1024) : null;
};

// Loopback (also IPv4-mapped), unspecified and link-local addresses say nothing about where the
// host is; they are left out of its facts.
const usable = (a: string) =>
  isIP(a) > 0 &&
  !/^(::ffff:)?(127\.|0\.)/i.test(a) &&
  !/^::1?$/.test(a) &&
  !/^fe[89ab]/i.test(a) &&
  !/^(::ffff:)?169\.254\./i.test(a);

/** Addresses from `ip -o addr`, `ifconfig -a` or `hostname -I` output. */
function addresses(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\binet6?\s+(?:addr:)?([0-9a-fA-F.:]+)(?:%\S+)?(?:\/\d+)?/g))
    found.push(m[1] as string);
  if (found.length === 0) found.push(...text.split(/\s+/));
  return [...new Set(found.filter(usable))];
}

const positive = (s: string | undefined): number | null => {
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n : null;
};

export function parseFacts(output: string): HostFacts {
  const s = sections(output);
  const release = osRelease(s.get('os-release') ?? '');
  const memory = s.get('memory') ?? '';
  const cpus = positive(s.get('cpus')?.split('\n')[0]);
  const uptime = positive(s.get('uptime')?.split('\n')[0]);
  return {
    hostname: s.get('hostname')?.split('\n')[0] || null,
    os: {
      id: release.ID ?? null,
      versionId: release.VERSION_ID ?? null,
      prettyName:
        release.PRETTY_NAME ?? (release.NAME ? `${release.NAME} ${release.VERSION ?? ''}`.trim() : null),
    },
    kernel: s.get('kernel') || null,
    arch: s.get('arch') || null,
    cpus: cpus === null ? null : Math.trunc(cpus),
    memoryMb: kb(memory, 'MemTotal'),
    memoryAvailableMb: kb(memory, 'MemAvailable'),
    uptimeSeconds: uptime === null ? null : Math.round(uptime),
    addresses: addresses(s.get('addresses') ?? ''),
  };
}
