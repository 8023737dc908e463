import type { MachineActionRequest } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { DockerDriver } from '@overcast/providers';
import type { SecretBox } from '@overcast/runtime';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type OrgActor, recordAudit } from '../audit';
import { authorizeMachineAction, type OnBehalfOf, rightForMachineAction } from '../authz/machine-access';
import { driverOf } from '../clouds/service';
import { DomainError, fromProviderError } from '../errors';
import { publishEvents } from '../events';
import type { OutboundRules } from '../outbound';
import { refreshNow } from '../polling';
import { repos } from '../repositories';

export interface ActionDeps {
  db: Database;
  box: SecretBox;
  /** The outbound guard's rules, which every driver's connections go through. */
  outbound: OutboundRules;
  redis: Redis;
  pollQueue: Queue;
}

/** Loads a machine of the caller's organization, or 404 (another organization's id included). */
/**
 * Runs start/stop/reboot/destroy/rename (and a container's pause/unpause) through the provider, records it in the machine's
 * history and the audit log, and polls the cloud at once so the new state shows quickly. Every
 * path (a request, a schedule, a rule, an expiration) names who it acts for, checked here as it runs.
 */
export async function machineAction(
  deps: ActionDeps,
  actor: OrgActor,
  id: string,
  req: MachineActionRequest,
  who: OnBehalfOf,
): Promise<void> {
  const machine = await repos(deps.db).machines.getInOrg(actor.organizationId, id);
  await authorizeMachineAction(
    deps.db,
    actor.organizationId,
    who,
    machine,
    rightForMachineAction(req.action),
  );
  if (machine.state === 'terminated' || machine.state === 'missing') {
    throw new DomainError(
      'conflict',
      'machine_gone',
      `${machine.name} is ${machine.state}: its provider no longer lists it, so it cannot be acted on.`,
    );
  }
  if (req.action === 'rename' && !req.name) {
    throw new DomainError('invalid', 'validation_failed', 'body is missing the field "name" (the new name).');
  }
  const cloud = await repos(deps.db).clouds.getInOrg(actor.organizationId, machine.cloudId);
  const containerOnly = req.action === 'pause' || req.action === 'unpause' || req.removeVolumes;
  if (containerOnly && cloud.provider !== 'docker') {
    throw new DomainError(
      'invalid',
      'validation_failed',
      req.removeVolumes
        ? 'removeVolumes applies to Docker containers only.'
        : `Only Docker containers can be ${req.action}d; ${machine.name} is not one.`,
    );
  }
  const audit = {
    action: `machine.${req.action}`,
    resourceKind: 'machine',
    resourceId: id,
    details: { name: machine.name, to: req.name, ...(req.removeVolumes ? { removeVolumes: true } : {}) },
  };
  try {
    const driver = await driverOf(deps, cloud);
    if (req.action === 'pause' || req.action === 'unpause') {
      await (driver as DockerDriver).containerOp(machine.externalId, req.action);
    } else {
      await driver.machineAction(machine.externalId, req.action, {
        name: req.name,
        ...(req.removeVolumes ? { removeVolumes: true } : {}),
      });
    }
  } catch (err) {
    const failure = fromProviderError(cloud.provider, err, `${req.action} ${machine.name}`);
    await recordAudit(deps.db, actor, {
      ...audit,
      result: 'failure',
      details: { ...audit.details, error: failure.message },
    });
    throw failure;
  }
  const event = await deps.db.prisma.machineEvent.create({
    data: {
      organizationId: actor.organizationId,
      machineId: id,
      kind: 'action',
      data: { action: req.action, by: actor.label, ...(req.name ? { name: req.name } : {}) },
    },
  });
  if (req.action === 'rename') {
    await deps.db.prisma.machine.updateMany({
      where: { id, organizationId: actor.organizationId },
      data: { name: req.name! },
    });
  }
  await recordAudit(deps.db, actor, audit);
  await publishEvents(deps.redis, actor.organizationId, [
    {
      type: 'machine.changed',
      cloudId: cloud.id,
      machineId: id,
      kind: 'action',
      data: event.data as Record<string, unknown>,
    },
  ]);
  await refreshNow(deps.pollQueue, cloud.id);
}
