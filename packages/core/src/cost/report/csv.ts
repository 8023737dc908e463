import type { CostReport } from '@overcast/contracts';

/**
 * A cell as a spreadsheet will read it: one starting with = + - @ (or a tab or carriage return)
 * would run as a formula, so it gets a leading apostrophe; a comma, quote or line break quotes it.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line per period and group: the report's cells, which add up to its totals. */
export function costReportCsv(report: CostReport): string {
  const lines = [['period', 'group', 'group_key', `spend_${report.currency.toLowerCase()}`]];
  report.periods.forEach((period, n) => {
    for (const g of report.groups) lines.push([period, g.label, g.key, g.series[n] ?? '0.00']);
  });
  return `${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The download's file name: the grouping and range, in characters every system accepts. */
export const costReportFilename = (report: CostReport) =>
  `overcast-cost-${report.groupBy.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-${report.from}-${report.to}.csv`;
