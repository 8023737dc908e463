/** What is gathered from every monitored machine. Percentages are 0-100; network is bytes per second. */
export const METRICS = ['cpu', 'load1', 'load5', 'load15', 'memory', 'disk', 'net_rx', 'net_tx'] as const;
export type MetricName = (typeof METRICS)[number];

export const METRIC_UNITS: Record<MetricName, string> = {
  cpu: '%',
  load1: '',
  load5: '',
  load15: '',
  memory: '%',
  disk: '%',
  net_rx: 'B/s',
  net_tx: 'B/s',
};

export const isMetric = (name: string): name is MetricName => (METRICS as readonly string[]).includes(name);

/** One reading; `series` names the mount point for disk and is empty otherwise. */
export interface MetricValue {
  metric: MetricName;
  series: string;
  value: number;
}

/** At most this many mounts per machine are kept, so a host with hundreds of bind mounts stays cheap. */
export const MAX_MOUNTS = 24;

const round = (n: number) => Math.round(n * 100) / 100;

/** CPU busy % between two `/proc/stat`-style counter sets (user nice system idle iowait irq softirq steal). */
export function cpuPercent(before: number[], after: number[]): number | null {
  const total = (v: number[]) => v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v: number[]) => (v[3] ?? 0) + (v[4] ?? 0);
  const dt = total(after) - total(before);
  if (!(dt > 0)) return null;
  return round(Math.min(100, Math.max(0, 100 * (1 - (idle(after) - idle(before)) / dt))));
}

/** A counter's rate per second; a counter that went backwards (reboot, wrap) gives nothing. */
export function rate(before: number, after: number, seconds: number): number | null {
  if (!(seconds > 0) || after < before) return null;
  return round((after - before) / seconds);
}

export const percent = (used: number, total: number): number | null =>
  total > 0 ? round(Math.min(100, Math.max(0, (100 * used) / total))) : null;
