import { isNetworkDriver } from '@overcast/contracts';
import { checkCloudDestinations, driverOf, featuresOf } from '../clouds';
import { fromProviderError } from '../errors';
import { inventoryStreamEvents, publishEvents } from '../events';
import { listNetworkInventory, syncCatalog, syncMachines, syncNetworks, syncVolumes } from '../inventory';
import { outboundRules } from '../outbound';
import type { PollRuntime } from '../runtime';
import type { PollKind } from './schedule';

export type PollOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'ok'; kind: PollKind; seen: number; changes: number; durationMs: number }
  | { status: 'error'; kind: PollKind; message: string; durationMs: number };

/**
 * Polls one cloud for one kind of resource. Machines and volumes stream from the provider into
 * one transaction that commits only once the listing completed; other kinds are listed in
 * memory first. Either way a provider failing halfway never wipes or half-updates inventory: the
 * error is recorded on the cloud and the rows stay as they were.
 */
export async function pollCloud(
  runtime: PollRuntime,
  cloudId: string,
  kind: PollKind,
  signal?: AbortSignal,
): Promise<PollOutcome> {
  const { db, redis, settings } = runtime;
  const cloud = await db.prisma.cloud.findUnique({ where: { id: cloudId } });
  if (!cloud) return { status: 'skipped', reason: 'cloud deleted' };
  if (!cloud.enabled) return { status: 'skipped', reason: 'cloud disabled' };
  if (kind === 'networks' && !featuresOf(cloud.provider).networks)
    return { status: 'skipped', reason: 'no networks to list' };
  const started = Date.now();
  const timeout = AbortSignal.timeout(settings.poll.timeoutSeconds * 1000);
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const target = { cloudId, organizationId: cloud.organizationId };
  try {
    // Checked when saved; checked again, since a name may resolve somewhere else by now.
    const outbound = outboundRules(settings);
    await checkCloudDestinations(cloud.provider, cloud.endpoint, cloud.config as Record<string, unknown>, {
      actorRole: 'admin',
      rules: outbound,
    });
    const driver = await driverOf(runtime, cloud);
    let seen = 0;
    let changes = 0;
    // What is made while the listing runs is not in it, and must not be taken for gone.
    const listedAt = new Date();
    if (kind === 'machines') {
      const result = await syncMachines(
        db,
        {
          ...target,
          provider: cloud.provider as never,
          costOverrideMonthly: cloud.costOverrideMonthly?.toString() ?? null,
          missingGraceHours: settings.poll.missingGraceHours,
          listedAt,
        },
        driver.listMachines(abort),
        { signal: abort },
      );
      seen = result.seen;
      changes = result.created + result.updated + result.missing + result.terminated;
      await publishEvents(redis, cloud.organizationId, inventoryStreamEvents(cloudId, result));
    } else if (kind === 'volumes') {
      const result = await syncVolumes(
        db,
        { ...target, provider: cloud.provider as never, listedAt },
        driver.listVolumes(abort),
        { signal: abort },
      );
      seen = result.seen;
      changes = result.created + result.updated + result.missing;
      if (changes)
        await publishEvents(redis, cloud.organizationId, [
          { type: 'inventory.changed', cloudId, counts: { volumes: changes } },
        ]);
    } else if (kind === 'networks') {
      if (!isNetworkDriver(driver)) return { status: 'skipped', reason: 'no networks to list' };
      const listing = await listNetworkInventory(driver, abort);
      abort.throwIfAborted();
      const result = await syncNetworks(db, target, listing);
      seen = result.seen;
      changes = result.created + result.updated + result.deleted;
      if (changes)
        await publishEvents(redis, cloud.organizationId, [
          { type: 'inventory.changed', cloudId, counts: { networks: changes } },
        ]);
    } else {
      const [sizes, images, locations] = await Promise.all([
        driver.listSizes(),
        driver.listImages(),
        driver.listLocations(),
      ]);
      seen = sizes.length + images.length + locations.length;
      changes = await syncCatalog(db, target, { sizes, images, locations });
    }
    await recordPollSuccess(runtime, cloud, kind);
    return { status: 'ok', kind, seen, changes, durationMs: Date.now() - started };
  } catch (err) {
    const message =
      abort.aborted && timeout.aborted
        ? `Polling ${kind} took longer than ${settings.poll.timeoutSeconds} s and was stopped; the inventory was left as it was.`
        : fromProviderError(cloud.provider, err, `listing ${kind}`).message;
    await db.prisma.cloud.updateMany({
      where: { id: cloudId },
      data: { pollStatus: 'error', lastError: message, lastErrorAt: new Date(), lastPollAt: new Date() },
    });
    await publishEvents(redis, cloud.organizationId, [{ type: 'cloud.changed', cloudId }]);
    return { status: 'error', kind, message, durationMs: Date.now() - started };
  }
}

async function recordPollSuccess(
  runtime: PollRuntime,
  cloud: { id: string; organizationId: string; pollStatus: string },
  kind: PollKind,
) {
  const now = new Date();
  // Only machine polls set the cloud's health; a recovered cloud also clears its error.
  if (kind !== 'machines') return;
  await runtime.db.prisma.cloud.updateMany({
    where: { id: cloud.id },
    data: { pollStatus: 'ok', lastPollAt: now, lastSuccessAt: now, lastError: null, lastErrorAt: null },
  });
  if (cloud.pollStatus !== 'ok') {
    await publishEvents(runtime.redis, cloud.organizationId, [{ type: 'cloud.changed', cloudId: cloud.id }]);
  }
}
