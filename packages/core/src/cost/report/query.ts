import { DomainError } from '../../errors';

export type CostGrouping = { by: 'cloud' } | { by: 'team' } | { by: 'owner' } | { by: 'tag'; key: string };

export interface ReportRange {
  from: string;
  to: string;
  groupBy: CostGrouping;
  granularity: 'day' | 'month';
}

/** The longest range a report covers: two years of days. */
export const MAX_REPORT_DAYS = 731;
/** The range when none is given: the last 90 days. */
export const DEFAULT_REPORT_DAYS = 90;

const DAY_MS = 86_400_000;
const invalid = (field: string, message: string) =>
  new DomainError('invalid', 'validation_failed', message, field);

/** A YYYY-MM-DD that names a real day, as UTC midnight; anything else is a 400 naming the field. */
function parseDay(value: string, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value)
    throw invalid(field, `${field} must be a day written YYYY-MM-DD, such as 2026-01-31.`);
  return date;
}

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);

/** `cloud`, `team`, `owner` or `tag:<key>`. */
export function parseGrouping(value: string | undefined): CostGrouping {
  const v = value ?? 'cloud';
  if (v === 'cloud' || v === 'team' || v === 'owner') return { by: v };
  if (v.startsWith('tag:')) {
    const key = v.slice(4).trim();
    if (key.length > 0 && key.length <= 128) return { by: 'tag', key };
  }
  throw invalid('query.groupBy', 'groupBy must be cloud, team, owner or tag:<key> (tag:env, for one).');
}

export const groupingName = (g: CostGrouping) => (g.by === 'tag' ? `tag:${g.key}` : g.by);

/** Checks a report's query: real days, from before to, at most two years; defaults to the last 90 days. */
export function parseReportRange(
  input: {
    from?: string | undefined;
    to?: string | undefined;
    groupBy?: string | undefined;
    granularity?: 'day' | 'month' | undefined;
  },
  today = new Date(),
): ReportRange {
  const to = input.to ? parseDay(input.to, 'query.to') : parseDay(isoDay(today), 'query.to');
  const from = input.from ? parseDay(input.from, 'query.from') : addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  if (from > to) throw invalid('query.from', 'from is after to: give a from on or before to.');
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days > MAX_REPORT_DAYS)
    throw invalid(
      'query.from',
      `The range covers ${days} days; a report covers at most two years (${MAX_REPORT_DAYS} days).`,
    );
  return {
    from: isoDay(from),
    to: isoDay(to),
    groupBy: parseGrouping(input.groupBy),
    granularity: input.granularity ?? 'day',
  };
}

/** Every day (YYYY-MM-DD) or month (YYYY-MM) from `from` to `to`, in order. */
export function periodsOf(range: Pick<ReportRange, 'from' | 'to' | 'granularity'>): string[] {
  const out: string[] = [];
  const end = new Date(`${range.to}T00:00:00Z`);
  for (let d = new Date(`${range.from}T00:00:00Z`); d <= end; d = addDays(d, 1)) {
    const p = range.granularity === 'day' ? isoDay(d) : isoDay(d).slice(0, 7);
    if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}
