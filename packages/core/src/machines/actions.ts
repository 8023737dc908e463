import {
  CONTAINER_ACTIONS,
  MACHINE_ACTIONS,
  type MachineActionRequest,
  ProviderError,
} from '@overcast/contracts';
import { PROVIDER_MODULES } from '@overcast/providers/registry';
import { type OrgActor, recordAudit } from '../audit';
import { authorizeMachineAction, type OnBehalfOf, rightForMachineAction } from '../authz/machine-access';
import { featuresOf } from '../clouds/modules';
import { containerDriverOf, driverOf } from '../clouds/service';
import { DomainError, fromProviderError } from '../errors';
import { publishEvents } from '../events';
import { governChange } from '../governance';
import { refreshAfterChange } from '../polling';
import { repos } from '../repositories';
import type { ActionRuntime } from '../runtime';

const isContainerAction = (action: string): action is (typeof CONTAINER_ACTIONS)[number] =>
  (CONTAINER_ACTIONS as readonly string[]).includes(action);

/** Why a machine whose provider does not offer an extra action is refused it, naming who does. */
function notOffered(action: string, machineName: string): string {
  if (isContainerAction(action))
    return `Only Docker containers can be ${action}d; ${machineName} is not one.`;
  const offering = PROVIDER_MODULES.filter((m) => m.features.extraActions.includes(action)).map(
    (m) => m.label,
  );
  return `Only ${offering.join(' or ')} machines can be ${action}d; ${machineName} is not one. Use stop instead.`;
}

/**
 * Runs start/stop/reboot/destroy/rename (a container's pause/unpause, a provider's extra action
 * such as Azure's deallocate) through the provider, records it in the machine's history and the
 * audit log, and polls the cloud at once so the new state shows quickly. Every path (a request,
 * a schedule, a rule, an expiration) names who it acts for, checked here as it runs.
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
  // A missing machine is one the last listing lacked, which a listing racing a change can get
  // wrong: destroying it still asks the provider (one it no longer has is marked terminated).
  if (machine.state === 'terminated' || (machine.state === 'missing' && req.action !== 'destroy')) {
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
  const extra = !(MACHINE_ACTIONS as readonly string[]).includes(req.action);
  if (req.removeVolumes && !features.containers) {
    throw new DomainError('invalid', 'validation_failed', 'removeVolumes applies to Docker containers only.');
  }
  if (req.action === 'rename' && features.rename === false) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      `${machine.name} cannot be renamed: its provider fixes a machine's name when it is made.`,
    );
  }
  if (extra && !features.extraActions.includes(req.action)) {
    throw new DomainError('invalid', 'validation_failed', notOffered(req.action, machine.name));
  }
  const audit = {
    action: `machine.${req.action}`,
    resourceKind: 'machine',
    resourceId: id,
    details: { name: machine.name, to: req.name, ...(req.removeVolumes ? { removeVolumes: true } : {}) },
  };
  const act = async () => {
    try {
      if (isContainerAction(req.action)) {
        await (await containerDriverOf(runtime, cloud)).containerOp(machine.externalId, req.action);
      } else if (req.action === 'destroy' && req.removeVolumes) {
        await (await containerDriverOf(runtime, cloud)).removeContainer(machine.externalId, {
          volumes: true,
        });
      } else {
        await (await driverOf(runtime, cloud)).machineAction(machine.externalId, req.action, {
          name: req.name,
        });
      }
    } catch (err) {
      // Destroying what the provider no longer has is done, not failed: a retried job or a
      // second click must not report an error for a machine that is gone.
      if (req.action === 'destroy' && err instanceof ProviderError && err.kind === 'not-found') {
        await runtime.db.prisma.machine.updateMany({
          where: { id, organizationId: actor.organizationId },
          data: { state: 'terminated' },
        });
        return;
      }
      const failure = fromProviderError(cloud.provider, err, `${req.action} ${machine.name}`);
      await recordAudit(runtime.db, actor, {
        ...audit,
        result: 'failure',
        details: { ...audit.details, error: failure.message },
      });
      throw failure;
    }
  };
  // A started machine bills its running price again: held to the budgets like a new one.
  // Containers have no price of their own.
  if (req.action === 'start' && !features.containers) {
    await governChange(runtime, actor, { verb: 'start', machine, cloud, size: machine.size }, audit, act);
  } else await act();
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
  await refreshAfterChange(runtime, cloud.id);
}
