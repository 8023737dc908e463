import type { ResizeDriver, ResizeOptions } from '@overcast/contracts';
import { type OrgActor, recordAudit } from '../audit';
import type { OnBehalfOf } from '../authz/machine-access';
import { cloudCatalog } from '../catalog';
import { resizeDriverOf } from '../clouds/capabilities';
import { providerModule } from '../clouds/modules';
import { DomainError, fromProviderError } from '../errors';
import { publishEvents } from '../events';
import { governChange } from '../governance';
import { refreshAfterChange } from '../polling';
import type { ActionRuntime, CloudRuntime } from '../runtime';
import { machineToChange } from './target';

// Resizing changes a machine's size in place. Most providers want the machine stopped first (EC2
// and Compute Engine refuse otherwise, DigitalOcean powers nothing off for you), so a running
// machine is refused with words saying so, before the provider is asked, unless its driver says
// this machine takes a new size running (a vSphere VM with hot plug on).

const money = (n: number) => n.toFixed(2);

/** The sizes the provider lets this machine move to, or null where any size of its location will do. */
async function sizesThatFit(
  driver: ResizeDriver,
  provider: string,
  machine: { externalId: string; name: string },
): Promise<Set<string> | null> {
  if (!driver.resizeTargets) return null;
  try {
    return new Set(await driver.resizeTargets(machine.externalId));
  } catch (err) {
    throw fromProviderError(provider, err, `listing the sizes ${machine.name} can move to`);
  }
}

/** Whether the provider resizes this running machine as it runs. */
async function resizesRunning(
  driver: ResizeDriver,
  provider: string,
  machine: { externalId: string; name: string },
): Promise<boolean> {
  if (!driver.resizesRunning) return false;
  try {
    return await driver.resizesRunning(machine.externalId);
  } catch (err) {
    throw fromProviderError(provider, err, `asking whether ${machine.name} can be resized running`);
  }
}

/**
 * The sizes a machine can be resized to: the same cloud and location, not its current size, with
 * room for its disk where the provider cannot shrink one, cheapest first, each with its monthly price and the difference from what it costs now.
 */
export async function resizeOptions(
  runtime: CloudRuntime,
  actor: OrgActor,
  id: string,
  who: OnBehalfOf,
): Promise<ResizeOptions> {
  const { machine, cloud } = await machineToChange(runtime, actor, id, who, null);
  const driver = await resizeDriverOf(runtime, cloud);
  const fitting = await sizesThatFit(driver, cloud.provider, machine);
  const catalog = await cloudCatalog(
    runtime.db,
    actor.organizationId,
    cloud.id,
    machine.location ?? undefined,
  );
  // Providers name a machine's size by the size's id (a slug) or by its label (libvirt's "2 vCPU / 2048 MiB").
  const isCurrent = (s: { externalId: string; name: string }) =>
    s.externalId === machine.size || s.name === machine.size;
  const current = catalog.sizes.find(isCurrent);
  const currentPrice =
    current?.priceMonthly ??
    (machine.costSource === 'stopped' || machine.costMonthly === null
      ? null
      : machine.costMonthly.toString());
  const currency = current?.currency ?? machine.costCurrency;
  // Where a resize cannot shrink the disk, a size with less disk than the current one cannot hold it.
  const minDisk = providerModule(cloud.provider).resizeNeverShrinksDisk ? (current?.diskGb ?? null) : null;
  const fits = (s: { diskGb: number | null }) => minDisk === null || s.diskGb === null || s.diskGb >= minDisk;
  return {
    current: {
      size: current?.externalId ?? machine.size,
      priceMonthly: currentPrice === null ? null : money(Number(currentPrice)),
      currency,
    },
    mustStop: machine.state !== 'stopped' && !(await resizesRunning(driver, cloud.provider, machine)),
    sizes: catalog.sizes
      .filter((s) => !isCurrent(s) && fits(s) && (fitting === null || fitting.has(s.externalId)))
      .map((s) => ({
        externalId: s.externalId,
        name: s.name,
        cpus: s.cpus,
        memoryMb: s.memoryMb,
        diskGb: s.diskGb,
        priceMonthly: s.priceMonthly,
        differenceMonthly:
          s.priceMonthly === null || currentPrice === null
            ? null
            : money(Number(s.priceMonthly) - Number(currentPrice)),
        currency: s.currency,
      })),
  };
}

/** Resizes a stopped machine (or one its provider resizes running) to one of its resize options, waiting for the provider to finish. */
export async function resizeMachine(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  size: string,
  who: OnBehalfOf,
): Promise<void> {
  const { machine, cloud } = await machineToChange(runtime, actor, id, who, 'edit');
  const driver = await resizeDriverOf(runtime, cloud);
  const options = await resizeOptions(runtime, actor, id, who);
  if (size === machine.size || size === options.current.size) {
    throw new DomainError(
      'invalid',
      'same_size',
      `${machine.name} is already ${size}; choose another size.`,
      'body.size',
    );
  }
  const chosen = options.sizes.find((s) => s.externalId === size);
  if (!chosen) {
    throw new DomainError(
      'invalid',
      'size_not_offered',
      `${cloud.title} offers no size "${size}" in ${machine.location ?? "the machine's location"}; choose one of the sizes listed for resizing (refresh the cloud if it is new).`,
      'body.size',
    );
  }
  if (options.mustStop) {
    throw new DomainError(
      'conflict',
      'machine_must_be_stopped',
      `${machine.name} is ${machine.state}: stop it first, then resize it (the provider changes the size only of a stopped machine).`,
    );
  }
  const audit = {
    action: 'machine.resize',
    resourceKind: 'machine',
    resourceId: id,
    details: { name: machine.name, from: machine.size ?? '', to: size },
  };
  await governChange(runtime, actor, { verb: 'resize', machine, cloud, size }, audit, async () => {
    try {
      await driver.resizeMachine(machine.externalId, size);
    } catch (err) {
      const failure = fromProviderError(cloud.provider, err, `resizing ${machine.name} to ${size}`);
      await recordAudit(runtime.db, actor, {
        ...audit,
        result: 'failure',
        details: { ...audit.details, error: failure.message },
      });
      throw failure;
    }
  });
  const event = await runtime.db.prisma.machineEvent.create({
    data: {
      organizationId: actor.organizationId,
      machineId: id,
      kind: 'resized',
      data: { from: machine.size, to: size, by: actor.label },
    },
  });
  // The size is known now, named as the provider lists the machine's (by id or by label); the
  // price follows with the poll asked for below.
  const byLabel = machine.size !== null && machine.size !== options.current.size;
  await runtime.db.prisma.machine.updateMany({
    where: { id, organizationId: actor.organizationId },
    data: { size: byLabel ? chosen.name : size },
  });
  await recordAudit(runtime.db, actor, audit);
  await publishEvents(runtime.redis, actor.organizationId, [
    {
      type: 'machine.changed',
      cloudId: cloud.id,
      machineId: id,
      kind: 'resized',
      data: event.data as Record<string, unknown>,
    },
  ]);
  await refreshAfterChange(runtime, cloud.id);
}
