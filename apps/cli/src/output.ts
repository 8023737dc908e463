import { stringify as toYaml } from 'yaml';
import { UsageError } from './errors';

export const FORMATS = ['table', 'wide', 'json', 'yaml', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string | undefined): Format {
  const format = (value ?? 'table') as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`Unknown output format "${value}"; use one of ${FORMATS.join(', ')}.`);
  return format;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Shown only with -o wide. */
  wide?: boolean;
}

/** A timestamp to the second; '-' for none. */
export const when = (iso: string | null) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : '-');

const csvCell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function table(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Rows in the chosen format. `header: false` continues an earlier print (a watch): JSON then
 * gives one object a line, YAML one document per row, tables and CSV no header line.
 */
export function render<T>(rows: T[], columns: Column<T>[], format: Format, header = true): string {
  if (format === 'json')
    return header ? JSON.stringify(rows, null, 2) : rows.map((r) => JSON.stringify(r)).join('\n');
  if (format === 'yaml')
    return header ? toYaml(rows).trimEnd() : rows.map((r) => `---\n${toYaml(r).trimEnd()}`).join('\n');
  const shown = columns.filter((c) => format === 'wide' || !c.wide);
  const body = rows.map((row) => shown.map((c) => c.value(row)));
  const heading = shown.map((c) => c.header);
  if (format === 'csv') {
    const lines = header ? [heading, ...body] : body;
    return lines.map((line) => line.map(csvCell).join(',')).join('\n');
  }
  if (rows.length === 0) return '';
  // Widths include the heading even when it is not printed, so a watch's rows line up with it.
  const all = table([heading, ...body]);
  return header ? all : all.split('\n').slice(1).join('\n');
}

/** One resource: JSON and YAML give the object itself rather than a list of one. */
export function renderOne<T>(row: T, columns: Column<T>[], format: Format): string {
  if (format === 'json') return JSON.stringify(row, null, 2);
  if (format === 'yaml') return toYaml(row).trimEnd();
  return render([row], columns, format);
}
