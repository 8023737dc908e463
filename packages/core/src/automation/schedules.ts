import type {
  CreateScheduleRequest,
  PreviewScheduleRequest,
  ScheduleAction,
  ScheduleRun as ScheduleRunView,
  ScheduleTrigger,
  Schedule as ScheduleView,
  TargetSelector,
  UpdateScheduleRequest,
} from '@overcast/contracts';
import { type Database, isUniqueViolation, type Schedule } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { type OrgActor, recordAudit } from '../audit';
import { allowedIds, type Principal } from '../authz';
import { DomainError, notFound } from '../errors';
import { repos } from '../repositories';
import { queueWithin } from './queue-timeout';
import { removeScheduleJobs, syncScheduleJobs } from './schedule-jobs';
import { actionOf, scheduleRunView, scheduleView, triggerOf } from './schedule-view';
import { parameterValues } from './script-run';
import { checkSelector } from './targets';
import { checkTrigger, nextRuns } from './triggers';

/** Writes schedules; their jobs on the `schedules` queue are derived from the rows written here. */
export type ScheduleRuntime = Pick<Runtime, 'db' | 'queues'>;

const invalid = (code: string, message: string) => new DomainError('invalid', code, message);
const date = (v: string | null | undefined) => (v ? new Date(v) : v === null ? null : undefined);

function triggerColumns(t: ScheduleTrigger) {
  return {
    triggerKind: t.kind,
    cron: t.kind === 'cron' ? t.cron.trim() : null,
    timezone: t.kind === 'cron' ? (t.timezone ?? 'UTC') : 'UTC',
    intervalSeconds: t.kind === 'interval' ? t.intervalSeconds : null,
    runAt: t.kind === 'once' ? new Date(t.runAt) : null,
  };
}

async function checkAction(
  db: Database,
  organizationId: string,
  action: ScheduleAction,
  target: TargetSelector,
) {
  if (action.kind !== 'notify') checkSelector(target);
  if (action.kind === 'run_script') {
    if (!action.scriptId) throw invalid('validation_failed', 'A run_script action needs action.scriptId.');
    const script = await db.prisma.script.findFirst({ where: { id: action.scriptId, organizationId } });
    if (!script) throw notFound('Script');
    const version = await db.prisma.scriptVersion.findUniqueOrThrow({
      where: { scriptId_version: { scriptId: script.id, version: script.currentVersion } },
    });
    parameterValues(version.parameters as never, action.params);
  } else if (action.scriptId || action.params) {
    throw invalid('validation_failed', 'scriptId and params belong to run_script actions only.');
  }
  if (action.kind === 'notify' && !action.message?.trim()) {
    throw invalid('validation_failed', 'A notify action needs a message.');
  }
}

function checkLimits(trigger: ScheduleTrigger, startsAt: Date | null, endsAt: Date | null, fresh: boolean) {
  if (startsAt && endsAt && endsAt <= startsAt) {
    throw invalid('invalid_dates', 'endsAt must be after startsAt.');
  }
  if (fresh && trigger.kind === 'once' && new Date(trigger.runAt).getTime() <= Date.now()) {
    throw invalid('invalid_date', `The date ${trigger.runAt} has passed; pick a time in the future.`);
  }
}

const nameTaken = (name: string) =>
  new DomainError('conflict', 'name_taken', `A schedule named "${name}" already exists; pick another name.`);
export async function listSchedules(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<ScheduleView[]> {
  const only = caller ? await allowedIds(db, organizationId, caller, 'schedules') : null;
  const rows = await db.prisma.schedule.findMany({
    where: { organizationId, ...(only ? { id: { in: only } } : {}) },
    orderBy: { name: 'asc' },
  });
  return rows.map((r) => scheduleView(r));
}

export const getSchedule = async (db: Database, organizationId: string, id: string) =>
  scheduleView(await repos(db).schedules.getInOrg(organizationId, id));

export function previewSchedule(req: PreviewScheduleRequest): { nextRuns: string[] } {
  checkTrigger(req.trigger);
  const startsAt = date(req.startsAt) ?? null;
  const endsAt = date(req.endsAt) ?? null;
  checkLimits(req.trigger, startsAt, endsAt, false);
  const runs = nextRuns(req.trigger, { startsAt, endsAt, maxRuns: req.maxRuns ?? null, anchor: new Date() });
  return { nextRuns: runs.map((d) => d.toISOString()) };
}

/** Writes the row, then derives its jobs; a Redis failure is repaired by the worker's reconcile. */
async function derive(runtime: ScheduleRuntime, s: Schedule): Promise<void> {
  await queueWithin(syncScheduleJobs(runtime, s));
}

export async function createSchedule(
  runtime: ScheduleRuntime,
  actor: OrgActor,
  req: CreateScheduleRequest,
): Promise<ScheduleView> {
  checkTrigger(req.trigger);
  const startsAt = date(req.startsAt) ?? null;
  const endsAt = date(req.endsAt) ?? null;
  checkLimits(req.trigger, startsAt, endsAt, true);
  await checkAction(runtime.db, actor.organizationId, req.action, req.target);
  let row: Schedule;
  try {
    row = await runtime.db.prisma.schedule.create({
      data: {
        organizationId: actor.organizationId,
        name: req.name,
        description: req.description ?? '',
        ...triggerColumns(req.trigger),
        target: req.target as object,
        action: req.action.kind,
        actionParams: { params: req.action.params, message: req.action.message } as object,
        scriptId: req.action.scriptId ?? null,
        enabled: req.enabled ?? true,
        startsAt,
        endsAt,
        maxRuns: req.maxRuns ?? null,
        createdById: actor.userId ?? null,
        actingUserId: actor.userId ?? null,
      },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(req.name);
    throw err;
  }
  await recordAudit(runtime.db, actor, {
    action: 'schedule.create',
    resourceKind: 'schedule',
    resourceId: row.id,
    details: { name: row.name, action: row.action, trigger: triggerOf(row) },
  });
  await derive(runtime, row);
  return scheduleView(row);
}

export async function updateSchedule(
  runtime: ScheduleRuntime,
  actor: OrgActor,
  id: string,
  req: UpdateScheduleRequest,
): Promise<ScheduleView> {
  const before = await repos(runtime.db).schedules.getInOrg(actor.organizationId, id);
  const trigger = req.trigger ?? triggerOf(before);
  const target = req.target ?? (before.target as TargetSelector);
  const action = req.action ?? actionOf(before);
  const startsAt = req.startsAt === undefined ? before.startsAt : (date(req.startsAt) ?? null);
  const endsAt = req.endsAt === undefined ? before.endsAt : (date(req.endsAt) ?? null);
  if (req.trigger) checkTrigger(trigger);
  checkLimits(trigger, startsAt, endsAt, Boolean(req.trigger));
  if (req.action || req.target) await checkAction(runtime.db, actor.organizationId, action, target);
  let row: Schedule;
  try {
    row = await runtime.db.prisma.schedule.update({
      where: { id },
      data: {
        name: req.name ?? before.name,
        description: req.description ?? before.description,
        ...triggerColumns(trigger),
        target: target as object,
        action: action.kind,
        actionParams: { params: action.params, message: action.message } as object,
        scriptId: action.scriptId ?? null,
        enabled: req.enabled ?? before.enabled,
        // Whoever changes a schedule answers for what it does: it acts with their rights from now on.
        actingUserId: actor.userId ?? null,
        ...(req.enabled ? { disabledReason: null } : {}),
        startsAt,
        endsAt,
        maxRuns: req.maxRuns === undefined ? before.maxRuns : req.maxRuns,
        // A new date for a one-date schedule is a new run to make.
        ...(req.trigger?.kind === 'once' ? { runCount: 0 } : {}),
      },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(req.name ?? before.name);
    throw err;
  }
  await recordAudit(runtime.db, actor, {
    action: 'schedule.update',
    resourceKind: 'schedule',
    resourceId: id,
    details: { name: row.name, changed: Object.keys(req) },
  });
  await derive(runtime, row);
  return scheduleView(row);
}

export async function deleteSchedule(runtime: ScheduleRuntime, actor: OrgActor, id: string): Promise<void> {
  const s = await repos(runtime.db).schedules.getInOrg(actor.organizationId, id);
  await runtime.db.prisma.schedule.delete({ where: { id } });
  await queueWithin(removeScheduleJobs(runtime, id));
  await recordAudit(runtime.db, actor, {
    action: 'schedule.delete',
    resourceKind: 'schedule',
    resourceId: id,
    details: { name: s.name },
  });
}

/**
 * What each run of the schedule did, newest first. A caller limited by team policies sees only
 * the results for machines they may read.
 */
export async function listScheduleRuns(
  db: Database,
  organizationId: string,
  id: string,
  limit = 50,
  caller?: Principal,
): Promise<ScheduleRunView[]> {
  await repos(db).schedules.getInOrg(organizationId, id);
  const [runs, machines] = await Promise.all([
    db.prisma.scheduleRun.findMany({
      where: { scheduleId: id, organizationId },
      orderBy: { slot: 'desc' },
      take: limit,
    }),
    caller ? allowedIds(db, organizationId, caller, 'machines') : null,
  ]);
  const visible = machines ? new Set(machines) : null;
  return runs.map((r) => {
    const view = scheduleRunView(r);
    return visible
      ? { ...view, results: view.results.filter((x) => x.machineId === null || visible.has(x.machineId)) }
      : view;
  });
}
