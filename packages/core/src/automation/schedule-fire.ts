import type { TargetSelector } from '@overcast/contracts';
import type { Schedule } from '@overcast/db';
import type { Queue } from 'bullmq';
import { type Actor, recordAudit } from '../audit';
import {
  MACHINE_RIGHT_WORDS,
  type MachineRight,
  machinesAllowed,
  notAllowedReason,
  type OnBehalfOf,
  onBehalfOf,
  rightForMachineAction,
} from '../authz';
import { DomainError } from '../errors';
import { publishEvents } from '../events';
import { type ActionDeps, machineAction } from '../machines/actions';
import type { Notifier } from '../notifications/notifier';
import { isLive, removeScheduleJobs } from './schedule-jobs';
import { actionOf, triggerOf } from './schedule-view';
import { type ScriptRunDeps, startScriptRun } from './script-run';
import { isEmptySelector, resolveTargets } from './targets';
import { intervalAnchor, slotOf } from './triggers';

export interface FireDeps extends ActionDeps, ScriptRunDeps {
  scheduleQueue: Queue;
  notifier: Notifier;
}

interface MachineResult {
  machineId: string | null;
  name: string;
  result: 'done' | 'failed' | 'skipped' | 'started';
  error?: string;
  scriptRunId?: string;
}

/** States in which a power action has nothing to do. */
const ALREADY: Record<string, string[]> = { start: ['running'], stop: ['stopped'] };
/** Provider calls a schedule makes at once. */
const ACTION_CONCURRENCY = 5;

/**
 * Claims the slot in Postgres: one statement inserts the run (unique per schedule and slot) and
 * counts it, only while the schedule is enabled and has runs left. A second firing of the same
 * slot (a rebuilt scheduler, a retried job, two workers) gets nothing back and does nothing.
 */
async function claimSlot(deps: FireDeps, scheduleId: string, slot: Date): Promise<string | null> {
  const { rows } = await deps.db.pool.query<{ id: string }>(
    `WITH s AS (
       SELECT id, organization_id FROM schedules
        WHERE id = $1 AND enabled AND (max_runs IS NULL OR run_count < max_runs)
          AND (ends_at IS NULL OR ends_at >= $2) AND (starts_at IS NULL OR starts_at <= $2)
        FOR UPDATE),
     ins AS (
       INSERT INTO schedule_runs (organization_id, schedule_id, slot)
       SELECT organization_id, id, $2 FROM s
       ON CONFLICT (schedule_id, slot) DO NOTHING
       RETURNING id, schedule_id),
     upd AS (
       UPDATE schedules SET run_count = run_count + 1, last_run_at = now()
         FROM ins WHERE schedules.id = ins.schedule_id RETURNING schedules.id)
     SELECT ins.id FROM ins, upd`,
    [scheduleId, slot],
  );
  return rows[0]?.id ?? null;
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Said of a firing whose worker died during it. */
export const INTERRUPTED_FIRING =
  'The worker stopped while this firing ran; its action may or may not have happened, so it was not repeated. Check the targets before acting again.';

/**
 * The firing of `slot` was claimed by a worker that died before finishing it (its job came back
 * after the lock lapsed): closes its record as failed rather than leave it running for ever, and
 * does not act again, since the action may have happened. Returns the run id, or null when the
 * firing had finished.
 */
async function closeInterrupted(deps: FireDeps, s: Schedule, slot: Date): Promise<string | null> {
  const { rows } = await deps.db.pool.query<{ id: string }>(
    `UPDATE schedule_runs SET status = 'failed', error = $3, finished_at = now()
      WHERE schedule_id = $1 AND slot = $2 AND finished_at IS NULL RETURNING id`,
    [s.id, slot, INTERRUPTED_FIRING],
  );
  const runId = rows[0]?.id;
  if (!runId) return null;
  await recordAudit(
    deps.db,
    { organizationId: s.organizationId, label: `schedule: ${s.name}` },
    {
      action: 'schedule.run',
      resourceKind: 'schedule',
      resourceId: s.id,
      result: 'failure',
      details: { name: s.name, runId, slot: slot.toISOString(), action: s.action, error: INTERRUPTED_FIRING },
    },
  );
  await publishEvents(deps.redis, s.organizationId, [
    { type: 'schedule.run', scheduleId: s.id, runId, status: 'failed' },
  ]).catch(() => {});
  return runId;
}

/** Thrown when the person a schedule acts for may no longer do what it does: it is turned off. */
class LostRight extends Error {}

async function perform(
  deps: FireDeps,
  s: Schedule,
  actor: Actor & { organizationId: string },
  who: OnBehalfOf,
  runId: string,
) {
  const action = actionOf(s);
  const selector = s.target as TargetSelector;
  // The machines its person may see; of those, the ones they may not act on are skipped with why.
  const machines = isEmptySelector(selector)
    ? []
    : await resolveTargets(deps.db, s.organizationId, selector, who.principal ?? undefined);
  const results: MachineResult[] = [];
  if (action.kind === 'notify') {
    const names = machines.map((m) => m.name);
    await deps.notifier.notify(s.organizationId, {
      subject: `Schedule "${s.name}"`,
      text: names.length
        ? `${action.message ?? ''}\n\nMachines: ${names.join(', ')}`
        : (action.message ?? ''),
      severity: 'info',
    });
    results.push({ machineId: null, name: 'notice', result: 'done' });
    return results;
  }
  if (machines.length === 0) return results;
  const right: MachineRight =
    action.kind === 'run_script'
      ? 'run'
      : rightForMachineAction(action.kind as 'start' | 'stop' | 'reboot' | 'destroy');
  const allowed = await machinesAllowed(
    deps.db,
    s.organizationId,
    who.principal,
    machines.map((m) => m.id),
    right,
  );
  for (const m of machines) {
    if (!allowed.has(m.id)) {
      results.push({
        machineId: m.id,
        name: m.name,
        result: 'skipped',
        error: notAllowedReason(who.label, right),
      });
    }
  }
  if (allowed.size === 0) {
    throw new LostRight(
      `${who.label} may no longer ${MACHINE_RIGHT_WORDS[right]} any machine it targets, so it was turned off. Enable it again to make it act for you.`,
    );
  }
  const permitted = machines.filter((m) => allowed.has(m.id));
  if (action.kind === 'run_script') {
    const scriptRunId = await startScriptRun(deps, actor, {
      scriptId: action.scriptId!,
      targets: { machineIds: permitted.map((m) => m.id) },
      params: action.params,
      scheduleRunId: runId,
      caller: who.principal,
    });
    for (const m of permitted)
      results.push({ machineId: m.id, name: m.name, result: 'started', scriptRunId });
    return results;
  }
  const kind = action.kind as 'start' | 'stop' | 'reboot' | 'destroy';
  await eachLimited(permitted, ACTION_CONCURRENCY, async (m) => {
    if (ALREADY[kind]?.includes(m.state)) {
      results.push({ machineId: m.id, name: m.name, result: 'skipped', error: `already ${m.state}` });
      return;
    }
    try {
      await machineAction(deps, actor, m.id, { action: kind }, who);
      results.push({ machineId: m.id, name: m.name, result: 'done' });
    } catch (err) {
      results.push({ machineId: m.id, name: m.name, result: 'failed', error: (err as Error).message });
    }
  });
  return results;
}

/** Turns a schedule off with a reason its page shows, and stops its timers. */
async function turnOff(deps: FireDeps, s: Schedule, reason: string): Promise<void> {
  await deps.db.prisma.schedule.update({
    where: { id: s.id },
    data: { enabled: false, disabledReason: reason },
  });
  await removeScheduleJobs(deps.scheduleQueue, s.id).catch(() => {});
  await recordAudit(
    deps.db,
    { organizationId: s.organizationId, label: `schedule: ${s.name}` },
    {
      action: 'schedule.disable',
      resourceKind: 'schedule',
      resourceId: s.id,
      result: 'denied',
      details: { name: s.name, reason },
    },
  );
}

/**
 * Fires a schedule for the slot it was due at (the job's own time): claims the slot, resolves the
 * targets as they are now, runs the action on each, and keeps what happened to each machine.
 * Returns the run id, or null when nothing was due (disabled, out of dates or runs, already fired).
 * `startedBefore`: this job was taken by a worker before (one that died), so a claimed but
 * unfinished firing of its slot is that worker's, and is closed as interrupted.
 */
export async function fireSchedule(
  deps: FireDeps,
  scheduleId: string,
  dueMs: number,
  { startedBefore = false }: { startedBefore?: boolean } = {},
): Promise<string | null> {
  const s = await deps.db.prisma.schedule.findUnique({ where: { id: scheduleId } });
  if (!s) {
    await removeScheduleJobs(deps.scheduleQueue, scheduleId).catch(() => {});
    return null;
  }
  const slot = slotOf(triggerOf(s), dueMs, intervalAnchor(s, s.createdAt).getTime());
  const runId = await claimSlot(deps, s.id, slot);
  const after = await deps.db.prisma.schedule.findUnique({ where: { id: scheduleId } });
  // Out of runs or past its end: stop the scheduler now rather than at the next reconcile.
  if (after && !isLive(after)) await removeScheduleJobs(deps.scheduleQueue, scheduleId).catch(() => {});
  if (!runId) return startedBefore ? closeInterrupted(deps, s, slot) : null;
  // It acts for its person, with their rights as they are at this firing.
  const actor = { organizationId: s.organizationId, userId: s.actingUserId, label: `schedule: ${s.name}` };
  await publishEvents(deps.redis, s.organizationId, [
    { type: 'schedule.run', scheduleId: s.id, runId, status: 'running' },
  ]).catch(() => {});
  let results: MachineResult[] = [];
  let error: string | null = null;
  try {
    const who = await onBehalfOf(deps.db, s.organizationId, s.actingUserId);
    if ('left' in who) {
      throw new LostRight(
        'the person it acts for (who created or last changed it) is no longer a member, so it was turned off. Enable it again to make it act for you.',
      );
    }
    results = await perform(deps, s, actor, who, runId);
  } catch (err) {
    if (err instanceof LostRight) {
      error = `Not allowed: ${err.message}`;
      await turnOff(deps, s, error);
    } else {
      error = err instanceof DomainError ? err.message : `The schedule failed: ${(err as Error).message}`;
    }
  }
  const failed = results.filter((r) => r.result === 'failed').length;
  const status = error
    ? 'failed'
    : failed === 0
      ? 'succeeded'
      : failed === results.length
        ? 'failed'
        : 'partial';
  await deps.db.prisma.scheduleRun.update({
    where: { id: runId },
    data: { status, results: results as object[], error, finishedAt: new Date() },
  });
  await recordAudit(deps.db, actor, {
    action: 'schedule.run',
    resourceKind: 'schedule',
    resourceId: s.id,
    result: status === 'failed' ? 'failure' : 'success',
    details: {
      name: s.name,
      runId,
      slot: slot.toISOString(),
      action: s.action,
      machines: results.length,
      error,
    },
  });
  await publishEvents(deps.redis, s.organizationId, [
    { type: 'schedule.run', scheduleId: s.id, runId, status },
  ]).catch(() => {});
  return runId;
}
