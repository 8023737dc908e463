import type { MachineActionRequest } from '@overcast/contracts';
import { type OrgActor, recordAudit } from '../audit';
import { authorizeMachineAction, type OnBehalfOf, rightForMachineAction } from '../authz/machine-access';
import { featuresOf } from '../clouds/modules';
import { containerDriverOf, driverOf } from '../clouds/service';
import { DomainError, fromProviderError } from '../errors';
import { publishEvents } from '../events';
import { refreshNow } from '../polling';
import { repos } from '../repositories';
import type { ActionRuntime } from '../runtime';

/**
 * Runs start/stop/reboot/destroy/rename (and a container's pause/unpause) through the provider, records it in the machine's
 * history and the audit log, and polls the cloud at once so the new state shows quickly. Every
 * path (a request, a schedule, a rule, an expiration) names who it acts for, checked here as it runs.
 */
export async function machineAction(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  req: MachineActionRequest,
  who: OnBehalfOf,
): Promise<void> {
  const machine = await repos(runtime.db).machines.getInOrg(actor.organizationId, id);
  await authorizeMachineAction(
    runtime.db,
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
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, machine.cloudId);
  const features = featuresOf(cloud.provider);
  const extra = req.action === 'pause' || req.action === 'unpause';
  if (req.removeVolumes && !features.containers) {
    throw new DomainError('invalid', 'validation_failed', 'removeVolumes applies to Docker containers only.');
  }
  if (extra && !features.extraActions.includes(req.action)) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      `Only Docker containers can be ${req.action}d; ${machine.name} is not one.`,
    );
  }
  const audit = {
    action: `machine.${req.action}`,
    resourceKind: 'machine',
    resourceId: id,
    details: { name: machine.name, to: req.name, ...(req.removeVolumes ? { removeVolumes: true } : {}) },
  };
  try {
    if (req.action === 'pause' || req.action === 'unpause') {
      await (await containerDriverOf(runtime, cloud)).containerOp(machine.externalId, req.action);
    } else if (req.action === 'destroy' && req.removeVolumes) {
      await (await containerDriverOf(runtime, cloud)).removeContainer(machine.externalId, { volumes: true });
    } else {
      await (await driverOf(runtime, cloud)).machineAction(machine.externalId, req.action, {
        name: req.name,
      });
    }
  } catch (err) {
    const failure = fromProviderError(cloud.provider, err, `${req.action} ${machine.name}`);
    await recordAudit(runtime.db, actor, {
      ...audit,
      result: 'failure',
      details: { ...audit.details, error: failure.message },
    });
    throw failure;
  }
  const event = await runtime.db.prisma.machineEvent.create({
    data: {
      organizationId: actor.organizationId,
      machineId: id,
      kind: 'action',
      data: { action: req.action, by: actor.label, ...(req.name ? { name: req.name } : {}) },
    },
  });
  if (req.action === 'rename') {
    await runtime.db.prisma.machine.updateMany({
      where: { id, organizationId: actor.organizationId },
      data: { name: req.name! },
    });
  }
  await recordAudit(runtime.db, actor, audit);
  await publishEvents(runtime.redis, actor.organizationId, [
    {
      type: 'machine.changed',
      cloudId: cloud.id,
      machineId: id,
      kind: 'action',
      data: event.data as Record<string, unknown>,
    },
  ]);
  await refreshNow(runtime, cloud.id);
}
