import type { ScheduleTrigger } from '@overcast/contracts';
import cronParser from 'cron-parser';
import { DomainError } from '../errors';

const invalid = (code: string, message: string) => new DomainError('invalid', code, message);

/** True for a time zone name the runtime knows (IANA, e.g. "Europe/Berlin"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Refuses a trigger that can never fire, saying what is wrong with it. */
export function checkTrigger(trigger: ScheduleTrigger, now = new Date()): void {
  if (trigger.kind === 'cron') {
    const tz = trigger.timezone ?? 'UTC';
    if (!isTimeZone(tz)) {
      throw invalid(
        'invalid_timezone',
        `"${tz}" is not a time zone this server knows; use an IANA name such as "UTC" or "Europe/Berlin".`,
      );
    }
    const fields = trigger.cron.trim().split(/\s+/);
    if (fields.length < 5 || fields.length > 6) {
      throw invalid(
        'invalid_cron',
        `"${trigger.cron}" has ${fields.length} field(s); a cron expression has five (minute hour day month weekday), or six with seconds first.`,
      );
    }
    try {
      cronParser.parseExpression(trigger.cron, { tz, currentDate: now }).next();
    } catch (err) {
      throw invalid(
        'invalid_cron',
        `"${trigger.cron}" is not a valid cron expression: ${(err as Error).message}.`,
      );
    }
  } else if (trigger.kind === 'once') {
    const at = new Date(trigger.runAt);
    if (Number.isNaN(at.getTime())) throw invalid('invalid_date', `"${trigger.runAt}" is not a date.`);
  }
}

export interface TriggerLimits {
  startsAt?: Date | null;
  endsAt?: Date | null;
  maxRuns?: number | null;
  runCount?: number;
  /** Interval schedules fire on a grid anchored here (the start date, else when it was made). */
  anchor?: Date;
}

/** The interval grid's anchor: the start date if any, else the creation time. */
export const intervalAnchor = (limits: TriggerLimits, fallback: Date) =>
  limits.startsAt ?? limits.anchor ?? fallback;

/** The next `count` times the trigger fires after `from`, within the limits. */
export function nextRuns(
  trigger: ScheduleTrigger,
  limits: TriggerLimits,
  from = new Date(),
  count = 5,
): Date[] {
  const left = limits.maxRuns ? Math.max(0, limits.maxRuns - (limits.runCount ?? 0)) : count;
  const n = Math.min(count, left);
  if (n === 0) return [];
  const start = limits.startsAt && limits.startsAt > from ? new Date(limits.startsAt.getTime() - 1) : from;
  const end = limits.endsAt ?? null;
  const out: Date[] = [];
  if (trigger.kind === 'once') {
    const at = new Date(trigger.runAt);
    if (at > from && (!end || at <= end) && (limits.runCount ?? 0) === 0) out.push(at);
    return out;
  }
  if (trigger.kind === 'interval') {
    const every = trigger.intervalSeconds * 1000;
    const anchor = intervalAnchor(limits, from).getTime();
    let k = Math.floor((start.getTime() - anchor) / every) + 1;
    while (out.length < n) {
      const t = new Date(anchor + k * every);
      if (end && t > end) break;
      if (t > start) out.push(t);
      k++;
    }
    return out;
  }
  const it = cronParser.parseExpression(trigger.cron, {
    tz: trigger.timezone ?? 'UTC',
    currentDate: start,
    ...(end ? { endDate: end } : {}),
  });
  while (out.length < n && it.hasNext()) out.push(it.next().toDate());
  return out;
}

/**
 * The slot a firing belongs to: for cron and once the time it was due; for intervals the nearest
 * point of the schedule's grid, so a scheduler rebuilt after a Redis restart lands on the same
 * slots and Postgres' unique (schedule, slot) refuses a second run of one.
 */
export function slotOf(trigger: ScheduleTrigger, dueMs: number, anchorMs: number): Date {
  if (trigger.kind !== 'interval') return new Date(dueMs);
  const every = trigger.intervalSeconds * 1000;
  return new Date(anchorMs + Math.round((dueMs - anchorMs) / every) * every);
}
