import type { Machine } from '../api/types';

const SOURCES: Record<string, string> = {
  tag: 'set by its cost_per_month tag',
  override: "the cloud's cost override",
  provider: "the provider's price",
  table: 'list price from the shipped table',
  stopped: 'stopped: no compute is billed; its disks still bill, as volumes',
};

/** Where a machine's cost comes from, or why it has none, in words. */
export function costNote(m: Pick<Machine, 'costMonthly' | 'costSource' | 'priceUnknownReason'>): string {
  if (m.costMonthly === null) return `No price: ${m.priceUnknownReason ?? 'unknown'}`;
  return m.costSource ? (SOURCES[m.costSource] ?? m.costSource) : '';
}
