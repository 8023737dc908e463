import type { ExpiringMachine, MachineExpiration, SetExpirationRequest } from '@overcast/contracts';
import type { Database, Machine } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { type OrgActor, recordAudit } from '../audit';
import {
  allowedIds,
  authorizeMachineAction,
  onBehalfOf,
  type Principal,
  rightForMachineAction,
} from '../authz';
import { DomainError } from '../errors';
import { publishEvents } from '../events';
import { checkExpirationChange } from '../governance/lifetime';
import { machineAction } from '../machines/actions';
import type { Notifier } from '../notifications/notifier';
import { repos } from '../repositories';
import type { ActionRuntime } from '../runtime';

/**
 * The machine columns an expiration request sets, with the person it will act for; refuses a
 * date that has passed.
 */
export function expirationColumns(req: SetExpirationRequest, setById: string | null, now = new Date()) {
  const expiresAt = new Date(req.expiresAt);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt <= now) {
    throw new DomainError(
      'invalid',
      'invalid_date',
      `The expiration date ${req.expiresAt} has passed; pick a time in the future.`,
    );
  }
  return {
    expiresAt,
    expirationAction: req.action,
    expirationNotifyMinutes: req.notifyMinutesBefore ?? null,
    expirationNotifiedAt: null,
    expirationSetById: setById,
  };
}

export function expirationView(
  m: Pick<Machine, 'expiresAt' | 'expirationAction' | 'expirationNotifyMinutes' | 'expirationNotifiedAt'>,
): MachineExpiration | null {
  if (!m.expiresAt || !m.expirationAction) return null;
  return {
    expiresAt: m.expiresAt.toISOString(),
    action: m.expirationAction as 'stop' | 'destroy',
    notifyMinutesBefore: m.expirationNotifyMinutes,
    notifiedAt: m.expirationNotifiedAt?.toISOString() ?? null,
  };
}

async function history(
  db: Database,
  m: Pick<Machine, 'id' | 'organizationId'>,
  data: Record<string, unknown>,
) {
  await db.prisma.machineEvent.create({
    data: { organizationId: m.organizationId, machineId: m.id, kind: 'expiration', data: data as object },
  });
}

/** Sets (or, with null, clears) when a machine stops or destroys itself. */
export async function setMachineExpiration(
  db: Database,
  actor: OrgActor,
  id: string,
  req: SetExpirationRequest | null,
  /** The person setting it: they need the right to do what it will do; it is checked again when due. */
  caller?: Principal,
): Promise<MachineExpiration | null> {
  const machine = await repos(db).machines.getInOrg(actor.organizationId, id);
  if (req && caller) {
    await authorizeMachineAction(
      db,
      actor.organizationId,
      { label: 'you', principal: caller },
      machine,
      rightForMachineAction(req.action),
    );
  }
  await checkExpirationChange(db, actor, req?.expiresAt ?? null);
  const columns = req
    ? expirationColumns(req, actor.userId ?? null)
    : {
        expiresAt: null,
        expirationAction: null,
        expirationNotifyMinutes: null,
        expirationNotifiedAt: null,
        expirationSetById: null,
      };
  const updated = await db.prisma.machine.update({ where: { id: machine.id }, data: columns });
  const view = expirationView(updated);
  await history(db, machine, view ? { set: view, by: actor.label } : { cleared: true, by: actor.label });
  await recordAudit(db, actor, {
    action: req ? 'machine.expiration.set' : 'machine.expiration.clear',
    resourceKind: 'machine',
    resourceId: machine.id,
    details: { name: machine.name, ...(view ? { expiresAt: view.expiresAt, action: view.action } : {}) },
  });
  return view;
}

export async function listExpiringMachines(
  db: Database,
  organizationId: string,
  withinHours = 168,
  caller?: Principal,
): Promise<ExpiringMachine[]> {
  const until = new Date(Date.now() + withinHours * 3_600_000);
  const only = caller ? await allowedIds(db, organizationId, caller, 'machines') : null;
  const rows = await db.prisma.machine.findMany({
    where: {
      organizationId,
      ...(only ? { id: { in: only } } : {}),
      expiresAt: { not: null, lte: until },
      state: { notIn: ['terminated', 'missing'] },
    },
    orderBy: { expiresAt: 'asc' },
    take: 500,
  });
  return rows.map((m) => ({
    machineId: m.id,
    name: m.name,
    cloudId: m.cloudId,
    state: m.state,
    expiresAt: m.expiresAt!.toISOString(),
    action: m.expirationAction ?? 'stop',
    notifyMinutesBefore: m.expirationNotifyMinutes,
  }));
}

/**
 * Sends the notices that are due and runs the expirations whose date has come. Each machine is
 * claimed with a conditional update first, so two workers never act on one twice.
 */
export async function sweepExpirations(
  runtime: ActionRuntime & Pick<Runtime, 'logger'>,
  notifier: Notifier,
  now = new Date(),
): Promise<{ notified: number; expired: number }> {
  const { db } = runtime;
  let notified = 0;
  let expired = 0;
  const { rows: notices } = await db.pool.query<{ id: string }>(
    `UPDATE machines SET expiration_notified_at = now()
      WHERE expires_at IS NOT NULL AND expiration_notify_minutes IS NOT NULL AND expiration_notified_at IS NULL
        AND expires_at - make_interval(mins => expiration_notify_minutes) <= $1 AND expires_at > $1
        AND state NOT IN ('terminated', 'missing')
      RETURNING id`,
    [now],
  );
  for (const { id } of notices) {
    const m = await db.prisma.machine.findUnique({ where: { id } });
    if (!m?.expiresAt) continue;
    const minutes = Math.max(1, Math.round((m.expiresAt.getTime() - now.getTime()) / 60_000));
    try {
      await notifier.notify(m.organizationId, {
        subject: `${m.name} will be ${m.expirationAction === 'destroy' ? 'destroyed' : 'stopped'} in ${minutes} min`,
        text: `${m.name} expires at ${m.expiresAt.toISOString()}; it will then be ${m.expirationAction === 'destroy' ? 'destroyed' : 'stopped'}. Change or clear its expiration on the machine's page to keep it.`,
        severity: 'warning',
      });
      await history(db, m, { notified: true, expiresAt: m.expiresAt.toISOString() });
      notified++;
    } catch (err) {
      runtime.logger.warn(
        { err: (err as Error).message, machineId: id },
        'could not send an expiration notice',
      );
    }
  }
  const { rows: due } = await db.pool.query<{
    id: string;
    action: string;
    expires_at: Date;
    set_by: string | null;
  }>(
    `UPDATE machines m SET expires_at = NULL, expiration_action = NULL, expiration_notify_minutes = NULL,
            expiration_notified_at = NULL, expiration_set_by_id = NULL
       FROM (SELECT id, expiration_action, expires_at, expiration_set_by_id FROM machines
              WHERE expires_at IS NOT NULL AND expires_at <= $1 FOR UPDATE SKIP LOCKED) d
      WHERE m.id = d.id
      RETURNING m.id, d.expiration_action AS action, d.expires_at, d.expiration_set_by_id AS set_by`,
    [now],
  );
  for (const { id, action, expires_at, set_by } of due) {
    const m = await db.prisma.machine.findUnique({ where: { id } });
    if (!m) continue;
    const actor = { organizationId: m.organizationId, userId: set_by, label: 'expiration' };
    const kind = action === 'destroy' ? 'destroy' : 'stop';
    const gone = m.state === 'terminated' || m.state === 'missing';
    let error: string | null = null;
    if (!gone && !(kind === 'stop' && m.state === 'stopped')) {
      // It acts for the person who set it, with their rights as they are now.
      const who = await onBehalfOf(db, m.organizationId, set_by);
      try {
        if ('left' in who) throw new Error('Not allowed: the person who set it is no longer a member.');
        await machineAction(runtime, actor, id, { action: kind }, who);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    await history(db, m, {
      expired: true,
      action: kind,
      expiresAt: expires_at.toISOString(),
      result: error ? 'failed' : 'done',
      ...(error ? { error } : {}),
    });
    await recordAudit(db, actor, {
      action: `machine.expiration.${kind}`,
      resourceKind: 'machine',
      resourceId: id,
      result: error ? 'failure' : 'success',
      details: { name: m.name, expiresAt: expires_at.toISOString(), ...(error ? { error } : {}) },
    });
    if (error) {
      await notifier
        .notify(m.organizationId, {
          subject: `${m.name} could not be ${kind === 'destroy' ? 'destroyed' : 'stopped'} at its expiration`,
          text: `${error} It is still ${m.state}; act on it by hand.`,
          severity: 'critical',
        })
        .catch(() => {});
    }
    await publishEvents(runtime.redis, m.organizationId, [
      {
        type: 'machine.changed',
        cloudId: m.cloudId,
        machineId: id,
        kind: 'expiration',
        data: { expired: true, action: kind },
      },
    ]).catch(() => {});
    expired++;
  }
  return { notified, expired };
}
