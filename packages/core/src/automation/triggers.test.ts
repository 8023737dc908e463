import { describe, expect, it } from 'vitest';
import type { DomainError } from '../errors';
import { checkTrigger, nextRuns, slotOf } from './triggers';

const from = new Date('2026-03-28T12:00:00Z');

describe('schedule triggers', () => {
  it('cron runs in the given time zone, across a daylight-saving change', () => {
    const runs = nextRuns({ kind: 'cron', cron: '30 2 * * *', timezone: 'America/New_York' }, {}, from, 3);
    // 02:30 New York is 06:30 UTC in daylight time (EDT, from 8 March 2026).
    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-03-29T06:30:00.000Z',
      '2026-03-30T06:30:00.000Z',
      '2026-03-31T06:30:00.000Z',
    ]);
  });

  it('respects start, end and the runs left', () => {
    const trigger = { kind: 'interval' as const, intervalSeconds: 3600 };
    const startsAt = new Date('2026-03-29T00:00:00Z');
    // The first run is at the start date itself, then every interval from it.
    expect(nextRuns(trigger, { startsAt }, from, 2).map((d) => d.toISOString())).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ]);
    expect(nextRuns(trigger, { startsAt, endsAt: new Date('2026-03-29T01:30:00Z') }, from)).toHaveLength(2);
    expect(nextRuns(trigger, { maxRuns: 3, runCount: 2, anchor: from }, from)).toHaveLength(1);
    expect(nextRuns(trigger, { maxRuns: 3, runCount: 3, anchor: from }, from)).toHaveLength(0);
  });

  it('an interval firing lands on its grid slot whenever it is fired', () => {
    const trigger = { kind: 'interval' as const, intervalSeconds: 10 };
    const anchor = Date.parse('2026-01-01T00:00:03Z');
    expect(slotOf(trigger, anchor + 50_004, anchor).getTime()).toBe(anchor + 50_000);
    expect(slotOf(trigger, anchor + 49_990, anchor).getTime()).toBe(anchor + 50_000);
  });

  it('says what is wrong with a bad cron or time zone', () => {
    const fail = (t: Parameters<typeof checkTrigger>[0]) => {
      try {
        checkTrigger(t);
      } catch (err) {
        return err as DomainError;
      }
      throw new Error('accepted');
    };
    expect(fail({ kind: 'cron', cron: '* * *' }).message).toMatch(/3 field/);
    expect(fail({ kind: 'cron', cron: '0 25 * * *' }).message).toMatch(/25/);
    expect(fail({ kind: 'cron', cron: '0 1 * * *', timezone: 'Europe/Atlantis' }).code).toBe(
      'invalid_timezone',
    );
    expect(() =>
      checkTrigger({ kind: 'cron', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }),
    ).not.toThrow();
  });
});
