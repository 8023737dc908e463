import type { CreateMachineRequest, Machine, RemoteMachine } from '@overcast/contracts';
import { type Cloud, isUniqueViolation } from '@overcast/db';
import { type Actor, recordAudit } from '../audit';
import { expirationColumns } from '../automation/expiration';
import { checkImageServesLocation } from '../catalog';
import { driverOf } from '../clouds';
import { machineCost } from '../cost';
import { DomainError, fromProviderError, notFound } from '../errors';
import { publishEvents } from '../events';
import { governCreation, type QuotaKind, type Verdicts } from '../governance';
import { refreshAfterChange } from '../polling';
import { repos } from '../repositories';
import type { ActionRuntime } from '../runtime';
import { machineRow } from './detail';
import { toMachine } from './view';

export interface CreateMachineOptions {
  /** Quotas an admin approved going over (a request approved over budget). */
  skipQuotas?: QuotaKind[];
  /** Takes a refusal over (keeps the request for an admin); returns the id it is kept as. */
  onRefusal?: (verdict: Verdicts) => Promise<string | undefined>;
}

/**
 * Creates a machine through the provider and stores it at once (usually pending); the poll
 * that follows takes it to running, and each change reaches the browser as an event.
 */
export async function createMachine(
  runtime: ActionRuntime,
  actor: Actor & { organizationId: string },
  cloudId: string,
  req: CreateMachineRequest,
  options: Omit<CreateMachineOptions, 'onRefusal'> = {},
): Promise<Machine> {
  const outcome = await createMachineOrKeep(runtime, actor, cloudId, req, options);
  if ('keptAs' in outcome) throw new Error('A refusal was kept without an onRefusal to keep it.');
  return outcome.machine;
}

/** The machine made, or, when `onRefusal` took a refusal over, the id it was kept as. */
export async function createMachineOrKeep(
  runtime: ActionRuntime,
  actor: Actor & { organizationId: string },
  cloudId: string,
  req: CreateMachineRequest,
  options: CreateMachineOptions = {},
): Promise<{ machine: Machine } | { keptAs: string }> {
  let keptAs: string | undefined;
  const onRefusal = options.onRefusal;
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, cloudId);
  if (!cloud.enabled)
    throw new DomainError('conflict', 'cloud_disabled', `${cloud.title} is disabled; enable it first.`);
  let sshKey: { name: string; publicKey: string } | undefined;
  if (req.sshKeyId) {
    const key = await runtime.db.prisma.sshKey.findFirst({
      where: { id: req.sshKeyId, organizationId: actor.organizationId },
    });
    if (!key) throw notFound('SSH key');
    sshKey = { name: key.name, publicKey: key.publicKey };
  }
  await checkImageServesLocation(runtime.db, cloud, req.image, req.location);
  const creation = {
    cloud,
    kind: 'machine' as const,
    size: req.size,
    location: req.location,
    image: req.image,
    tags: req.tags ?? {},
    expiresAt: req.expiration?.expiresAt ?? null,
    count: 1,
  };
  const id = await governCreation(
    runtime,
    actor,
    creation,
    async (filled) => {
      // Checked before the provider is asked, so a bad date creates nothing. A maximum lifetime
      // gives a machine created without an expiration one.
      const wanted = req.expiration ?? filled.expiration;
      const expiration = wanted ? expirationColumns(wanted, actor.userId ?? null) : {};
      let remote: RemoteMachine;
      try {
        remote = await (await driverOf(runtime, cloud)).createMachine({
          name: req.name,
          size: req.size,
          image: req.image,
          location: req.location,
          sshKey,
          tags: req.tags,
          userData: req.postDeployScript,
        });
      } catch (err) {
        const failure = fromProviderError(cloud.provider, err, `creating ${req.name}`);
        await recordAudit(runtime.db, actor, {
          action: 'machine.create',
          resourceKind: 'cloud',
          resourceId: cloud.id,
          result: 'failure',
          details: { name: req.name, error: failure.message },
        });
        throw failure;
      }
      const machine = await storeCreatedMachine(runtime, actor, cloud, remote, {
        sshKeyId: req.sshKeyId ?? null,
        expiration,
        audit: {
          name: req.name,
          cloud: cloud.title,
          size: req.size,
          image: req.image,
          location: req.location,
        },
      });
      await refreshAfterChange(runtime, cloud.id);
      return machine.id;
    },
    {
      skipQuotas: options.skipQuotas,
      onRefusal:
        onRefusal &&
        (async (verdict) => {
          keptAs = await onRefusal(verdict);
          return keptAs;
        }),
    },
  );
  if (keptAs !== undefined) return { keptAs };
  return { machine: toMachine(await machineRow(runtime.db, actor.organizationId, id)) };
}

/**
 * Stores a machine the provider just created (before any poll lists it), with its history
 * row, the audit entry and the live event. A poll that got there first keeps its fields; the
 * creator adds the key, the owner and the expiration.
 */
export async function storeCreatedMachine(
  runtime: Pick<ActionRuntime, 'db' | 'redis'>,
  actor: Actor & { organizationId: string },
  cloud: Cloud,
  remote: RemoteMachine,
  options: {
    sshKeyId: string | null;
    audit: Record<string, unknown>;
    /** Columns from expirationColumns(), when the machine was created with an expiration. */
    expiration?: Partial<ReturnType<typeof expirationColumns>>;
  },
): Promise<{ id: string; name: string }> {
  const cost = machineCost({
    provider: cloud.provider as never,
    size: remote.size,
    location: remote.location,
    state: remote.state,
    rawState: remote.rawState,
    tags: remote.tags,
    providerMonthly: remote.costMonthly,
    providerHourly: remote.costHourly,
    cloudOverrideMonthly: cloud.costOverrideMonthly?.toString() ?? null,
  });
  // An event-driven sync can list it before the provider's answer reaches us: then it is
  // already stored, its "created" event published, and only what the creator alone knows is
  // added to it: who made it, in its history too (a poll stores no created event).
  const where = { cloudId_externalId: { cloudId: cloud.id, externalId: remote.externalId } };
  const creation = {
    sshKeyId: options.sshKeyId,
    createdById: actor.userId ?? null,
    ...options.expiration,
  };
  const inserted = (await runtime.db.prisma.machine.findUnique({ where, select: { id: true } }))
    ? null
    : await runtime.db.prisma.machine
        .create({
          data: {
            organizationId: actor.organizationId,
            cloudId: cloud.id,
            externalId: remote.externalId,
            name: remote.name,
            state: remote.state,
            rawState: remote.rawState,
            size: remote.size,
            image: remote.image,
            location: remote.location,
            publicIps: remote.publicIps,
            privateIps: remote.privateIps,
            providerTags: remote.tags,
            extra: remote.extra as object,
            launchedAt: remote.createdAt,
            costMonthly: cost.monthly,
            costHourly: cost.hourly,
            costCurrency: cost.currency,
            costSource: cost.source,
            priceUnknownReason: cost.unknownReason,
            ...creation,
          },
        })
        // A sync inserting it between the look-up and the insert: the unique key says so.
        .catch((err: unknown) => {
          if (isUniqueViolation(err)) return null;
          throw err;
        });
  const machine = inserted ?? (await runtime.db.prisma.machine.update({ where, data: creation }));
  await recordAudit(runtime.db, actor, {
    action: 'machine.create',
    resourceKind: 'machine',
    resourceId: machine.id,
    details: options.audit,
  });
  const created = { organizationId: actor.organizationId, machineId: machine.id, kind: 'created' };
  // One created event: a machine a sync stored before polls stopped writing them has its own.
  if (inserted || !(await runtime.db.prisma.machineEvent.findFirst({ where: created, select: { id: true } })))
    await runtime.db.prisma.machineEvent.create({
      data: { ...created, data: { name: machine.name, by: actor.label } },
    });
  if (!inserted) return machine;
  await publishEvents(runtime.redis, actor.organizationId, [
    {
      type: 'machine.changed',
      cloudId: cloud.id,
      machineId: machine.id,
      kind: 'created',
      data: { name: machine.name },
    },
  ]);
  return machine;
}
