import type { Snapshot, SnapshotList } from '@overcast/contracts';
import type { Cloud, Machine } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import type { OnBehalfOf } from '../authz/machine-access';
import { snapshotDriverOf } from '../clouds/capabilities';
import { DomainError, fromProviderError } from '../errors';
import { publishEvents } from '../events';
import type { ActionRuntime, CloudRuntime } from '../runtime';
import { machineToChange } from './target';

// A machine's snapshots live at its provider and are read from it each time: Overcast keeps no
// copy that could disagree. Taking one is `act`; reverting (the disk as it is now is lost) and
// deleting one are `delete`.

/** The machine's snapshots, newest first, and whether its provider can revert to one. */
export async function listSnapshots(
  runtime: CloudRuntime,
  actor: OrgActor,
  id: string,
  who: OnBehalfOf,
): Promise<SnapshotList> {
  const { machine, cloud } = await machineToChange(runtime, actor, id, who, null);
  const driver = await snapshotDriverOf(runtime, cloud);
  try {
    const found = await driver.listSnapshots(machine.externalId);
    const items: Snapshot[] = found
      .map((s) => ({
        id: s.externalId,
        name: s.name,
        state: s.state,
        createdAt: s.createdAt?.toISOString() ?? null,
        sizeGb: s.sizeGb,
      }))
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
    return {
      items,
      canRevert: driver.canRevertSnapshots,
      canDelete: driver.canDeleteSnapshots !== false,
      revertNeeds: driver.revertNeeds ?? null,
    };
  } catch (err) {
    throw fromProviderError(cloud.provider, err, `listing the snapshots of ${machine.name}`);
  }
}

type SnapshotOp = 'create' | 'revert' | 'delete';

/** Runs one snapshot operation at the provider: audited either way, and told to the event stream. */
async function snapshotOp(
  runtime: ActionRuntime,
  actor: OrgActor,
  target: { machine: Machine; cloud: Cloud },
  op: SnapshotOp,
  details: Record<string, string>,
  run: () => Promise<void>,
): Promise<void> {
  const { machine, cloud } = target;
  const audit = {
    action: `machine.snapshot.${op}`,
    resourceKind: 'machine',
    resourceId: machine.id,
    details: { name: machine.name, ...details },
  };
  try {
    await run();
  } catch (err) {
    const failure =
      err instanceof DomainError
        ? err
        : fromProviderError(
            cloud.provider,
            err,
            `${op === 'create' ? 'taking' : op === 'revert' ? 'reverting to' : 'deleting'} a snapshot of ${machine.name}`,
          );
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
      machineId: machine.id,
      // Not an `action`: those mark the machine's state as changing, and a snapshot leaves it be.
      kind: 'snapshot',
      data: { op, by: actor.label, ...details },
    },
  });
  await recordAudit(runtime.db, actor, audit);
  await publishEvents(runtime.redis, actor.organizationId, [
    {
      type: 'machine.changed',
      cloudId: cloud.id,
      machineId: machine.id,
      kind: 'snapshot',
      data: event.data as Record<string, unknown>,
    },
  ]);
}

/** Starts taking a snapshot named `name`; it shows as `creating` until the provider is done. */
export async function createSnapshot(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  name: string,
  who: OnBehalfOf,
): Promise<void> {
  const target = await machineToChange(runtime, actor, id, who, 'act');
  const driver = await snapshotDriverOf(runtime, target.cloud);
  await snapshotOp(runtime, actor, target, 'create', { snapshot: name }, () =>
    driver.createSnapshot(target.machine.externalId, name),
  );
}

/** The snapshot `sid` of the machine, or a 404: an id of another machine's snapshot is not this one's. */
async function ownSnapshot(
  driver: Awaited<ReturnType<typeof snapshotDriverOf>>,
  target: { machine: Machine; cloud: Cloud },
  sid: string,
) {
  let found: Awaited<ReturnType<typeof driver.listSnapshots>>;
  try {
    found = await driver.listSnapshots(target.machine.externalId);
  } catch (err) {
    throw fromProviderError(target.cloud.provider, err, `listing the snapshots of ${target.machine.name}`);
  }
  const snapshot = found.find((s) => s.externalId === sid);
  if (!snapshot) {
    throw new DomainError(
      'not_found',
      'snapshot_not_found',
      `${target.machine.name} has no snapshot "${sid}"; reload its snapshots to see the current ones.`,
    );
  }
  return snapshot;
}

/** Brings the machine back to a snapshot (its disk as it is now is replaced), waiting for the provider. */
export async function revertSnapshot(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  sid: string,
  who: OnBehalfOf,
): Promise<void> {
  const target = await machineToChange(runtime, actor, id, who, 'delete');
  const driver = await snapshotDriverOf(runtime, target.cloud);
  if (!driver.canRevertSnapshots) {
    throw new DomainError(
      'invalid',
      'snapshots_unsupported',
      `${target.cloud.title} cannot revert a machine to a snapshot in place; make a new machine from the snapshot instead.`,
    );
  }
  const { machine, cloud } = target;
  const inState = `${machine.name} is ${machine.state}: ${cloud.title} reverts only a`;
  if (driver.revertNeeds === 'stopped' && machine.state !== 'stopped')
    throw new DomainError(
      'conflict',
      'machine_must_be_stopped',
      `${inState} stopped machine, so stop it first.`,
    );
  if (driver.revertNeeds === 'running' && machine.state !== 'running')
    throw new DomainError(
      'conflict',
      'machine_must_be_running',
      `${inState} running machine, so start it first.`,
    );
  const snapshot = await ownSnapshot(driver, target, sid);
  if (snapshot.state !== 'available') {
    throw new DomainError(
      'conflict',
      'snapshot_not_ready',
      `The snapshot ${snapshot.name} is ${snapshot.state}; wait until it is available.`,
    );
  }
  await snapshotOp(runtime, actor, target, 'revert', { snapshot: snapshot.name }, () =>
    driver.revertSnapshot(target.machine.externalId, sid),
  );
}

export async function deleteSnapshot(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  sid: string,
  who: OnBehalfOf,
): Promise<void> {
  const target = await machineToChange(runtime, actor, id, who, 'delete');
  const driver = await snapshotDriverOf(runtime, target.cloud);
  if (driver.canDeleteSnapshots === false) {
    throw new DomainError(
      'invalid',
      'snapshots_unsupported',
      `${target.cloud.title} does not delete snapshots on request: a new snapshot replaces the last one, and the provider expires the others itself.`,
    );
  }
  const snapshot = await ownSnapshot(driver, target, sid);
  await snapshotOp(runtime, actor, target, 'delete', { snapshot: snapshot.name }, () =>
    driver.deleteSnapshot(target.machine.externalId, sid),
  );
}
