import { listMachines, type MachineFilters, NEXT_PAGE } from '../api/machines';
import type { Machine } from '../api/types';

const HEADER = [
  'Name',
  'Cloud',
  'Provider',
  'State',
  'Size',
  'Public IPs',
  'Private IPs',
  'Location',
  'Image',
  'Created',
  'Monthly cost',
  'Currency',
  'Tags',
  'Overcast ID',
  'Provider ID',
];

/**
 * One CSV field. Quoted when needed; a leading = + - @ is defused so a spreadsheet never
 * runs a machine name or tag as a formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function machineCsvRow(m: Machine): string {
  const tags = Object.entries(m.tags)
    .map(([k, v]) => (v ? `${k}=${v}` : k))
    .join('; ');
  return [
    m.name,
    m.cloudTitle,
    m.provider,
    m.state,
    m.size ?? '',
    m.publicIps.join(' '),
    m.privateIps.join(' '),
    m.location ?? '',
    m.image ?? '',
    m.launchedAt ?? '',
    m.costMonthly ?? '',
    m.costCurrency,
    tags,
    m.id,
    m.externalId,
  ]
    .map(csvField)
    .join(',');
}

/** Every machine matching the filters, page by page, as CSV text. */
export async function machinesCsv(
  filters: MachineFilters,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ csv: string; count: number }> {
  const lines = [HEADER.join(',')];
  let cursor: string | null = null;
  let count = 0;
  do {
    const page = await listMachines(filters, cursor, NEXT_PAGE, signal);
    for (const machine of page.items) lines.push(machineCsvRow(machine));
    count += page.items.length;
    onProgress(count, page.total);
    cursor = page.nextCursor;
  } while (cursor);
  return { csv: `${lines.join('\r\n')}\r\n`, count };
}

export function downloadText(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
