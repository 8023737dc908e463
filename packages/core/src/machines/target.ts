import type { Cloud, Machine } from '@overcast/db';
import type { OrgActor } from '../audit';
import { authorizeMachineAction, type MachineRight, type OnBehalfOf } from '../authz/machine-access';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import type { CloudRuntime } from '../runtime';

/**
 * The machine (of the actor's organization) and its cloud, once the person it is done for may do
 * `right` on it as of now, and it still exists at its provider.
 */
export async function machineToChange(
  runtime: CloudRuntime,
  actor: OrgActor,
  id: string,
  who: OnBehalfOf,
  right: MachineRight | null,
): Promise<{ machine: Machine; cloud: Cloud }> {
  const machine = await repos(runtime.db).machines.getInOrg(actor.organizationId, id);
  if (right) await authorizeMachineAction(runtime.db, actor.organizationId, who, machine, right);
  if (machine.state === 'terminated' || machine.state === 'missing') {
    throw new DomainError(
      'conflict',
      'machine_gone',
      `${machine.name} is ${machine.state}: its provider no longer lists it, so it cannot be acted on.`,
    );
  }
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, machine.cloudId);
  return { machine, cloud };
}
