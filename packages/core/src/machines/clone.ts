import type { Machine } from '@overcast/contracts';
import type { OrgActor } from '../audit';
import { recordAudit } from '../audit';
import { decide } from '../authz';
import type { OnBehalfOf } from '../authz/machine-access';
import { cloneDriverOf } from '../clouds/capabilities';
import { DomainError, fromProviderError } from '../errors';
import { governCreation } from '../governance';
import { refreshAfterChange } from '../polling';
import type { ActionRuntime } from '../runtime';
import { storeCreatedMachine } from './create';
import { machineRow } from './detail';
import { machineToChange } from './target';
import { toMachine } from './view';

// Cloning makes a machine, so it is held to what making one is: the person may create machines
// in the source's cloud (and see the source), and the organization's quotas and constraints pass
// it through the same gate as every creation, as a machine of the source's size and tags.

/** A copy of a stopped machine, disks included, named `name`; stored at once, stopped. */
export async function cloneMachine(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  name: string,
  who: OnBehalfOf,
): Promise<Machine> {
  const { machine, cloud } = await machineToChange(runtime, actor, id, who, null);
  if (who.principal && !decide(who.principal, 'machines', 'create', { cloudId: cloud.id })) {
    throw new DomainError(
      'forbidden',
      'not_allowed',
      `Not allowed: ${who.label} may not create machines in ${cloud.title}, and a clone is a new machine there.`,
    );
  }
  const driver = await cloneDriverOf(runtime, cloud);
  if (machine.state !== 'stopped') {
    throw new DomainError(
      'conflict',
      'machine_must_be_stopped',
      `${machine.name} is ${machine.state}: stop it first, then clone it (its disks are copied as they are at rest).`,
    );
  }
  const tags = Object.fromEntries(
    Object.entries((machine.providerTags ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
  const creation = {
    cloud,
    kind: 'machine' as const,
    size: machine.size,
    location: machine.location,
    image: machine.image,
    tags,
    expiresAt: null,
    count: 1,
  };
  const cloneId = await governCreation(runtime, actor, creation, async () => {
    const audit = { name, from: machine.name, cloud: cloud.title };
    let remote: Awaited<ReturnType<typeof driver.cloneMachine>>;
    try {
      remote = await driver.cloneMachine(machine.externalId, name);
    } catch (err) {
      const failure = fromProviderError(cloud.provider, err, `cloning ${machine.name} as ${name}`);
      await recordAudit(runtime.db, actor, {
        action: 'machine.create',
        resourceKind: 'machine',
        resourceId: machine.id,
        result: 'failure',
        details: { ...audit, error: failure.message },
      });
      throw failure;
    }
    const stored = await storeCreatedMachine(runtime, actor, cloud, remote, { sshKeyId: null, audit });
    await refreshAfterChange(runtime, cloud.id);
    return stored.id;
  });
  return toMachine(await machineRow(runtime.db, actor.organizationId, cloneId));
}
