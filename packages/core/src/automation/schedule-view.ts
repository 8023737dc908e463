import type {
  ScheduleAction,
  ScheduleRun as ScheduleRunView,
  ScheduleTrigger,
  Schedule as ScheduleView,
  TargetSelector,
} from '@overcast/contracts';
import type { Schedule, ScheduleRun } from '@overcast/db';
import { nextRuns } from './triggers';

export function triggerOf(
  s: Pick<Schedule, 'triggerKind' | 'cron' | 'timezone' | 'intervalSeconds' | 'runAt'>,
): ScheduleTrigger {
  if (s.triggerKind === 'cron') return { kind: 'cron', cron: s.cron ?? '', timezone: s.timezone };
  if (s.triggerKind === 'interval') return { kind: 'interval', intervalSeconds: s.intervalSeconds ?? 60 };
  return { kind: 'once', runAt: (s.runAt ?? new Date(0)).toISOString() };
}

export function actionOf(s: Pick<Schedule, 'action' | 'actionParams' | 'scriptId'>): ScheduleAction {
  const p = s.actionParams as { params?: Record<string, string>; message?: string };
  return {
    kind: s.action as ScheduleAction['kind'],
    ...(s.scriptId ? { scriptId: s.scriptId } : {}),
    ...(p.params ? { params: p.params } : {}),
    ...(p.message !== undefined ? { message: p.message } : {}),
  };
}

export function scheduleView(s: Schedule, now = new Date()): ScheduleView {
  const limits = {
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    maxRuns: s.maxRuns,
    runCount: s.runCount,
    anchor: s.createdAt,
  };
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    trigger: triggerOf(s),
    target: s.target as TargetSelector,
    action: actionOf(s),
    enabled: s.enabled,
    disabledReason: s.enabled ? null : s.disabledReason,
    startsAt: s.startsAt?.toISOString() ?? null,
    endsAt: s.endsAt?.toISOString() ?? null,
    maxRuns: s.maxRuns,
    runCount: s.runCount,
    lastRunAt: s.lastRunAt?.toISOString() ?? null,
    nextRuns: s.enabled ? nextRuns(triggerOf(s), limits, now).map((d) => d.toISOString()) : [],
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function scheduleRunView(r: ScheduleRun): ScheduleRunView {
  return {
    id: r.id,
    scheduleId: r.scheduleId,
    slot: r.slot.toISOString(),
    firedAt: r.firedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    status: r.status,
    error: r.error,
    results: r.results as ScheduleRunView['results'],
  };
}
