import { DomainError } from '../errors';
import { type GuardedResponse, guardedFetch, OUTBOUND_REFUSED, type OutboundRules } from '../outbound';
import { cpuPercent, MAX_MOUNTS, type MetricValue, percent, rate } from './metrics';

// Machines that already run Prometheus node_exporter are scraped instead of logged in to.
// Like /proc, CPU and network are counters: two scrapes a second apart give the rates.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The Prometheus text exposition format, the parts node_exporter uses. */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
const SKIP_FS = /^(tmpfs|devtmpfs|overlay|squashfs|ramfs|autofs|nsfs|proc|sysfs)$/;

function cpuCounters(samples: PromSample[]): number[] {
  const sums = CPU_MODES.map(() => 0);
  for (const s of samples) {
    if (s.name !== 'node_cpu_seconds_total') continue;
    const i = CPU_MODES.indexOf(s.labels.mode ?? '');
    if (i >= 0) sums[i]! += s.value;
  }
  return sums;
}

const netTotal = (samples: PromSample[], name: string) =>
  samples.filter((s) => s.name === name && s.labels.device !== 'lo').reduce((a, s) => a + s.value, 0);

/** Readings from two scrapes taken `seconds` apart. */
export function valuesFromScrapes(first: PromSample[], second: PromSample[], seconds: number): MetricValue[] {
  const values: MetricValue[] = [];
  const one = (name: string) => second.find((s) => s.name === name)?.value;
  if (second.some((s) => s.name === 'node_cpu_seconds_total')) {
    const cpu = cpuPercent(cpuCounters(first), cpuCounters(second));
    if (cpu !== null) values.push({ metric: 'cpu', series: '', value: cpu });
  }
  for (const [metric, name] of [
    ['load1', 'node_load1'],
    ['load5', 'node_load5'],
    ['load15', 'node_load15'],
  ] as const) {
    const v = one(name);
    if (v !== undefined) values.push({ metric, series: '', value: v });
  }
  const total = one('node_memory_MemTotal_bytes');
  const available = one('node_memory_MemAvailable_bytes');
  if (total !== undefined && available !== undefined) {
    const p = percent(total - available, total);
    if (p !== null) values.push({ metric: 'memory', series: '', value: p });
  }
  const sizes = second.filter((s) => s.name === 'node_filesystem_size_bytes');
  for (const size of sizes.slice(0, MAX_MOUNTS * 2)) {
    const mount = size.labels.mountpoint ?? '';
    if (!mount.startsWith('/') || SKIP_FS.test(size.labels.fstype ?? '')) continue;
    if (values.filter((v) => v.metric === 'disk').length >= MAX_MOUNTS) break;
    const avail = second.find(
      (s) => s.name === 'node_filesystem_avail_bytes' && s.labels.mountpoint === mount,
    )?.value;
    const p = avail === undefined ? null : percent(size.value - avail, size.value);
    if (p !== null && !values.some((v) => v.metric === 'disk' && v.series === mount))
      values.push({ metric: 'disk', series: mount, value: p });
  }
  const rx = rate(
    netTotal(first, 'node_network_receive_bytes_total'),
    netTotal(second, 'node_network_receive_bytes_total'),
    seconds,
  );
  const tx = rate(
    netTotal(first, 'node_network_transmit_bytes_total'),
    netTotal(second, 'node_network_transmit_bytes_total'),
    seconds,
  );
  if (rx !== null) values.push({ metric: 'net_rx', series: '', value: rx });
  if (tx !== null) values.push({ metric: 'net_tx', series: '', value: tx });
  return values;
}

const MAX_SCRAPE_BYTES = 8 * 1024 * 1024;

/**
 * A URL that does not give metrics gets one answer whatever went wrong (refused, closed, a
 * redirect, not 200): a machine's page must not tell its editors which ports answer where.
 */
const unreadable = (url: string) =>
  new DomainError(
    'provider_failed',
    'scrape_failed',
    `node_exporter at ${url} could not be read: it must answer 200 with metrics at that very URL (redirects are not followed).`,
  );

async function scrape(url: string, signal: AbortSignal, rules: OutboundRules): Promise<PromSample[]> {
  let res: GuardedResponse;
  try {
    res = await guardedFetch(
      url,
      { signal, headers: { accept: 'text/plain' }, maxBytes: MAX_SCRAPE_BYTES },
      { purpose: 'node_exporter', rules },
    );
  } catch (err) {
    if (err instanceof DomainError && err.code === OUTBOUND_REFUSED) throw err;
    throw unreadable(url);
  }
  if (res.status !== 200) throw unreadable(url);
  return parsePrometheusText(res.text);
}

export async function scrapeNodeExporter(
  url: string,
  signal: AbortSignal,
  rules: OutboundRules,
): Promise<MetricValue[]> {
  const t0 = performance.now();
  const first = await scrape(url, signal, rules);
  await new Promise((r) => setTimeout(r, 1000));
  const t1 = performance.now();
  const second = await scrape(url, signal, rules);
  return valuesFromScrapes(first, second, (t1 - t0) / 1000);
}
