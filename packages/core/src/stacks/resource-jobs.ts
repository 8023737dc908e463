import type { ProviderDriver, RemoteVolume } from '@overcast/contracts';
import type { Cloud, Stack, StackResource } from '@overcast/db';
import type { OrgActor } from '../audit';
import { authorizeMachineAction, type OnBehalfOf } from '../authz';
import { driverOf } from '../clouds';
import { createContainer } from '../containers';
import { DomainError, fromProviderError } from '../errors';
import { attachInCloud, createVolume, deleteInCloud } from '../volumes';
import type { StackRuntime } from './deploy';
import { creatorIn, findMade, jobTarget, setResource, specOf } from './made';
import type { ReferenceValues } from './references';
import { containerRequest } from './specs';

/** How long a volume's attach or detach may take at the provider. */
const VOLUME_WAIT_MS = 5 * 60_000;
/** How long a volume waits for its machine to be made (machines are made in parallel with it). */
const MACHINE_WAIT_MS = 30 * 60_000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The volume as its provider lists it now, or null when it is gone. */
async function volumeAt(driver: ProviderDriver, match: (v: RemoteVolume) => boolean) {
  for await (const v of driver.listVolumes(new AbortController().signal)) if (match(v)) return v;
  return null;
}

/** Waits until the provider shows the volume as wanted (attach and detach finish after they answer). */
async function untilVolume(
  driver: ProviderDriver,
  externalId: string,
  wanted: (v: RemoteVolume | null) => boolean,
  doing: string,
) {
  const deadline = Date.now() + VOLUME_WAIT_MS;
  for (;;) {
    if (wanted(await volumeAt(driver, (v) => v.externalId === externalId))) return;
    if (Date.now() > deadline)
      throw new DomainError('provider_timeout', 'provider_timeout', `The volume took too long ${doing}.`);
    await pause(1_000);
  }
}

/** The machine row a volume attaches to, once it has its machine; a 409 when that machine failed. */
async function attachTarget(
  runtime: StackRuntime,
  stack: Stack,
  attach: { resource: string; label: string },
  index: number,
) {
  const deadline = Date.now() + MACHINE_WAIT_MS;
  for (;;) {
    const row = await runtime.db.prisma.stackResource.findFirst({
      where: { stackId: stack.id, kind: 'machine', name: attach.resource, index },
    });
    if (row?.machineId) {
      const machine = await runtime.db.prisma.machine.findUnique({ where: { id: row.machineId } });
      if (machine) return machine;
    }
    if (!row || row.status === 'failed' || Date.now() > deadline)
      throw new DomainError(
        'conflict',
        'stack_busy',
        `Its machine ${attach.label} was not made${row?.error ? ` (${row.error})` : ''}.`,
      );
    await pause(1_000);
  }
}

/**
 * One volume of a stack: made once (a row in "creating" without its id is looked for at the
 * provider by name first), then attached to its machine as soon as that exists, so the steps
 * that come after the machines find it. Failures retrying cannot fix are kept on the row.
 */
export async function runStackVolume(
  runtime: StackRuntime,
  stackId: string,
  resourceId: string,
): Promise<void> {
  const target = await jobTarget(runtime, stackId, resourceId);
  if (!target) return;
  const { stack } = target;
  let { row } = target;
  const spec = specOf(runtime, stack, row, 'volume');
  try {
    const { actor, who, cloud } = await creatorIn(runtime, stack, 'volume', spec);
    const driver = await driverOf(runtime, cloud);
    if (!row.externalId) {
      const { name, location } = spec.request;
      // A killed attempt may have made it: the name is the stack's own.
      const made =
        row.status === 'creating'
          ? await volumeAt(driver, (v) => v.name === name && (v.location ?? location) === location)
          : null;
      let externalId = made?.externalId;
      if (!externalId) {
        await setResource(runtime, stack, row, spec.label, { status: 'creating', cloudId: cloud.id });
        const volume = await createVolume(runtime, actor, cloud.id, spec.request);
        if (!volume)
          throw new DomainError(
            'provider_failed',
            'provider_failed',
            `${cloud.title} did not describe the new volume.`,
          );
        externalId = volume.externalId;
      }
      await setResource(runtime, stack, row, spec.label, { externalId, status: 'created' });
      row = await runtime.db.prisma.stackResource.findUniqueOrThrow({ where: { id: resourceId } });
    }
    const externalId = row.externalId!;
    const machine = await attachTarget(runtime, stack, spec.attach, spec.index);
    // Attaching reaches the machine: the stack's person must still hold that right on it.
    await authorizeMachineAction(runtime.db, stack.organizationId, who, machine, 'act');
    await setResource(runtime, stack, row, spec.label, { status: 'attaching' });
    const volume = { externalId, name: spec.request.name };
    const now = await volumeAt(driver, (v) => v.externalId === externalId);
    // Still on the machine an update replaced: moved over, its data kept.
    const elsewhere = (now?.attachedTo ?? []).filter((m) => m !== machine.externalId);
    for (const other of elsewhere)
      await attachInCloud(runtime, actor, cloud.id, volume, { externalId: other, name: other }, false);
    if (elsewhere.length)
      await untilVolume(
        driver,
        externalId,
        (v) => !v?.attachedTo.some((m) => m !== machine.externalId),
        'to detach',
      );
    if (!now?.attachedTo.includes(machine.externalId))
      await attachInCloud(runtime, actor, cloud.id, volume, machine, true);
    await untilVolume(driver, externalId, (v) => !!v?.attachedTo.includes(machine.externalId), 'to attach');
    await setResource(runtime, stack, row, spec.label, { status: 'ready', error: null });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await setResource(runtime, stack, row, spec.label, { status: 'failed', error: err.message });
  }
}

/**
 * One container of a stack, once the machines are up and the steps it comes after succeeded:
 * made once through the containers' own path (the engine host's rights, the quotas), a killed
 * attempt's container found by its labels first.
 */
export async function runStackContainer(
  runtime: StackRuntime,
  stackId: string,
  resourceId: string,
  values: ReferenceValues,
): Promise<void> {
  const target = await jobTarget(runtime, stackId, resourceId);
  if (!target) return;
  const { stack, row } = target;
  const spec = specOf(runtime, stack, row, 'container');
  try {
    const { actor, who, cloud } = await creatorIn(
      runtime,
      stack,
      'container',
      spec,
      spec.request.labels ?? {},
    );
    let machineId = row.machineId;
    if (!machineId && row.status === 'creating')
      machineId = await findMade(runtime, actor, stack, spec.label, cloud.id, row.retiredMachineId);
    if (!machineId) {
      const request = containerRequest(spec, values);
      await setResource(runtime, stack, row, spec.label, { status: 'creating', cloudId: cloud.id });
      machineId = (await createContainer(runtime, actor, cloud.id, request, who.principal)).id;
    }
    const machine = await runtime.db.prisma.machine.findUniqueOrThrow({ where: { id: machineId } });
    await setResource(runtime, stack, row, spec.label, {
      machineId,
      status: 'ready',
      address: machine.privateIps[0] ?? machine.publicIps[0] ?? null,
      error: null,
    });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await setResource(runtime, stack, row, spec.label, { status: 'failed', error: err.message });
  }
}

/**
 * Destroys a volume the stack made: detached from whatever holds it (the machine may be going
 * too), then deleted. One already gone is done.
 */
export async function destroyStackVolume(
  runtime: StackRuntime,
  acting: { actor: OrgActor; who: OnBehalfOf },
  row: Pick<StackResource, 'cloudId' | 'externalId' | 'name'>,
): Promise<void> {
  if (!row.cloudId || !row.externalId) return;
  const externalId = row.externalId;
  const cloud: Cloud = await runtime.db.prisma.cloud.findUniqueOrThrow({ where: { id: row.cloudId } });
  const driver = await driverOf(runtime, cloud);
  let volume: RemoteVolume | null;
  try {
    volume = await volumeAt(driver, (v) => v.externalId === externalId);
  } catch (err) {
    throw fromProviderError(cloud.provider, err, 'listing the volumes');
  }
  if (!volume) return;
  for (const machineExternalId of volume.attachedTo)
    await attachInCloud(
      runtime,
      acting.actor,
      cloud.id,
      volume,
      { externalId: machineExternalId, name: machineExternalId },
      false,
    );
  if (volume.attachedTo.length)
    await untilVolume(driver, externalId, (v) => !v?.attachedTo.length, 'to detach');
  await deleteInCloud(runtime, acting.actor, cloud.id, volume);
}
