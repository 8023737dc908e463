import { describe, expect, it } from 'vitest';
import { csvCell } from './csv';
import { parseReportRange, periodsOf } from './query';

const today = new Date('2026-12-03T15:00:00Z');
const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return 'no error';
};

describe('cost report query', () => {
  it('defaults to the last 90 days by cloud and day', () => {
    expect(parseReportRange({}, today)).toEqual({
      from: '2026-09-05',
      to: '2026-12-03',
      groupBy: { by: 'cloud' },
      granularity: 'day',
    });
    expect(parseReportRange({ groupBy: 'tag:aws:team' }, today).groupBy).toEqual({
      by: 'tag',
      key: 'aws:team',
    });
  });

  it('refuses impossible days, reversed ranges, more than two years and unknown groupings', () => {
    expect(fieldOf(() => parseReportRange({ from: '2026-02-30' }, today))).toBe('query.from');
    expect(fieldOf(() => parseReportRange({ to: '2026-13-01' }, today))).toBe('query.to');
    expect(fieldOf(() => parseReportRange({ from: '2026-12-02', to: '2026-12-01' }, today))).toBe(
      'query.from',
    );
    expect(fieldOf(() => parseReportRange({ from: '2024-11-30', to: '2026-12-01' }, today))).toBe(
      'query.from',
    );
    expect(parseReportRange({ from: '2024-12-01', to: '2026-12-01' }, today).from).toBe('2024-12-01');
    expect(fieldOf(() => parseReportRange({ groupBy: 'region' }, today))).toBe('query.groupBy');
    expect(fieldOf(() => parseReportRange({ groupBy: 'tag: ' }, today))).toBe('query.groupBy');
  });

  it('lists every day or month of the range', () => {
    expect(periodsOf({ from: '2026-01-30', to: '2026-02-02', granularity: 'day' })).toEqual([
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02',
    ]);
    expect(periodsOf({ from: '2025-12-31', to: '2026-02-01', granularity: 'month' })).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });

  it('neutralises formula cells and quotes what needs it', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('web, api')).toBe('"web, api"');
    expect(csvCell('12.50')).toBe('12.50');
  });
});
