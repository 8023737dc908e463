import { randomUUID } from 'node:crypto';
import {
  type Cloud as CloudView,
  type CreateCloudRequest,
  cloudDestinations,
  type FirewallDriver,
  isFirewallDriver,
  isNetworkDriver,
  type NetworkDriver,
  type ProviderDriver,
  type UpdateCloudRequest,
} from '@overcast/contracts';
import { type Cloud, type Database, isUniqueViolation, type Prisma, type Role } from '@overcast/db';
import type { ContainerDriver } from '@overcast/providers';
import { isContainerDriver } from '@overcast/providers/registry';
import type { Runtime } from '@overcast/runtime';
import { type Actor, recordAudit } from '../audit';
import { allowedIds, type Principal } from '../authz';
import { cloudRunRates } from '../cost/run-rate';
import { DomainError, fromProviderError } from '../errors';
import { outboundRules } from '../outbound';
import { repos } from '../repositories';
import type { CloudRuntime, DriverRuntime } from '../runtime';
import { openCredentials, sealCredentials } from './credentials';
import { checkCloudDestinations, requireCredentialsForNewDestinations } from './destinations';
import { resolveDockerViaMachine } from './docker-ssh';
import { type DriverAccess, driverFor } from './drivers';
import { normalizeCredentials, validateCloudInputs } from './inputs';
import { featuresOf, providerModule } from './modules';
import { useOrganizationKey } from './org-key';

/**
 * The driver of a container host, for what only containers do. A cloud whose provider is no
 * container host is a 400 naming it.
 */
export async function containerDriverOf(runtime: DriverRuntime, cloud: Cloud): Promise<ContainerDriver> {
  const driver = featuresOf(cloud.provider).containers ? await driverOf(runtime, cloud) : null;
  if (!driver || !isContainerDriver(driver)) {
    throw new DomainError('invalid', 'not_a_docker_cloud', `${cloud.title} is not a Docker engine.`);
  }
  return driver;
}

/**
 * The driver of a cloud whose provider manages networks. Any other cloud is a 400 naming it.
 */
export async function networkDriverOf(
  runtime: DriverRuntime,
  cloud: Cloud,
): Promise<ProviderDriver & NetworkDriver> {
  const driver = featuresOf(cloud.provider).networks ? await driverOf(runtime, cloud) : null;
  if (!driver || !isNetworkDriver(driver)) {
    throw new DomainError(
      'invalid',
      'networks_unsupported',
      `${cloud.title} does not manage networks through Overcast.`,
    );
  }
  return driver;
}

/** The 400 for a cloud whose networks have no firewalls (libvirt, Docker). */
export const noFirewalls = (cloud: { title: string }) =>
  new DomainError(
    'invalid',
    'firewalls_unsupported',
    `${cloud.title} has no firewalls Overcast manages; control its traffic on the host itself (its own firewall, iptables or nftables).`,
  );

/**
 * The driver of a cloud whose provider has firewalls (and so networks). Any other cloud is a
 * 400 naming it, before anything is sent.
 */
export async function firewallDriverOf(
  runtime: DriverRuntime,
  cloud: Cloud,
): Promise<ProviderDriver & NetworkDriver & FirewallDriver> {
  if (!featuresOf(cloud.provider).firewalls) throw noFirewalls(cloud);
  const driver = await networkDriverOf(runtime, cloud);
  if (!isFirewallDriver(driver)) throw noFirewalls(cloud);
  return driver;
}

/** Who saves a cloud: admins may point clouds at private networks, members may not. */
export type CloudActor = Actor & { organizationId: string; role: Role };

/** How long adding a cloud waits for the provider to confirm the credentials. */
const VALIDATE_TIMEOUT_MS = 30_000;

/**
 * The driver for a stored cloud. Its addresses are judged as the poll judges them: by the admin
 * rule (a private network is fine for a cloud), loopback and the rest only where settings allow.
 */
export function driverOf(runtime: DriverRuntime, cloud: Cloud): Promise<ProviderDriver> {
  return driverFor(
    cloud.provider,
    {
      credentials: openCredentials(runtime.box, cloud),
      endpoint: cloud.endpoint,
      config: cloud.config as Record<string, unknown>,
    },
    { actorRole: 'admin', rules: outboundRules(runtime.settings) },
  );
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new DomainError(
                'provider_timeout',
                'provider_timeout',
                `${what} took longer than ${ms / 1000} s.`,
              ),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks the provider whether these credentials work; a refusal is a 422 with the provider's words.
 * Answers the config the driver learned on the way (a certificate or host key trusted on first
 * use), to be stored with the cloud so every later connection is held to it.
 */
async function checkWithProvider(
  provider: string,
  init: Parameters<typeof driverFor>[1],
  access: DriverAccess,
): Promise<Record<string, unknown>> {
  try {
    const driver = await driverFor(provider, init, access);
    await withTimeout(driver.validate(), VALIDATE_TIMEOUT_MS, 'Checking the credentials');
    return driver.learnedConfig?.() ?? {};
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw fromProviderError(provider, err, 'checking the credentials');
  }
}

export async function toCloudView(db: Database, cloud: Cloud, caller?: Principal): Promise<CloudView> {
  const [view] = await cloudViews(db, cloud.organizationId, [cloud], caller);
  return view!;
}

/** Clouds with their machine count and monthly run-rate, in one query each for the lot. */
export async function cloudViews(
  db: Database,
  organizationId: string,
  clouds: Cloud[],
  caller?: Principal,
): Promise<CloudView[]> {
  if (clouds.length === 0) return [];
  const ids = clouds.map((c) => c.id);
  const [counts, rates] = await Promise.all([
    db.pool.query<{ cloud_id: string; machines: number }>(
      `SELECT cloud_id, count(*)::int AS machines
       FROM machines WHERE organization_id = $1 AND cloud_id = ANY($2::uuid[]) AND state NOT IN ('terminated')
       GROUP BY cloud_id`,
      [organizationId, ids],
    ),
    cloudRunRates(db, organizationId, { caller, cloudIds: ids }),
  ]);
  const machineCounts = new Map(counts.rows.map((r) => [r.cloud_id, r.machines]));
  const monthly = new Map(rates.map((r) => [r.cloudId, r.monthly]));
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return clouds.map((c) => ({
    id: c.id,
    provider: c.provider,
    title: c.title,
    endpoint: c.endpoint,
    config: c.config as Record<string, unknown>,
    enabled: c.enabled,
    pollStatus: c.pollStatus,
    pollIntervalSeconds: c.pollIntervalSeconds,
    lastPollAt: iso(c.lastPollAt),
    lastSuccessAt: iso(c.lastSuccessAt),
    lastError: c.lastError,
    lastErrorAt: iso(c.lastErrorAt),
    costOverrideMonthly: c.costOverrideMonthly?.toString() ?? null,
    machineCount: machineCounts.get(c.id) ?? 0,
    monthlyCost: monthly.get(c.id) ?? '0.00',
    createdAt: c.createdAt.toISOString(),
  }));
}

export async function listClouds(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<CloudView[]> {
  const ids = caller ? await allowedIds(db, organizationId, caller, 'clouds') : null;
  const clouds = await db.prisma.cloud.findMany({
    where: { organizationId, ...(ids ? { id: { in: ids } } : {}) },
    orderBy: { title: 'asc' },
  });
  return cloudViews(db, organizationId, clouds, caller);
}

const titleTaken = (title: string) =>
  new DomainError(
    'conflict',
    'cloud_title_taken',
    `A cloud named "${title}" already exists; choose another title.`,
  );

/** Adds a cloud after the provider has accepted its credentials; nothing is saved otherwise. */
export async function addCloud(
  runtime: CloudRuntime,
  actor: CloudActor,
  input: CreateCloudRequest,
  /** The person adding it: a Docker engine reached through a machine needs a shell right there. */
  caller: Principal | null,
): Promise<Cloud> {
  validateCloudInputs(input.provider, input.credentials, input.config);
  let credentials = normalizeCredentials(input.provider, input.credentials);
  let config = (input.config ?? {}) as Record<string, unknown>;
  if (typeof config.sshMachineId === 'string') {
    ({ config, credentials } = await resolveDockerViaMachine(
      runtime,
      actor.organizationId,
      config,
      credentials,
      caller,
    ));
  }
  ({ config, credentials } = await useOrganizationKey(
    runtime,
    actor.organizationId,
    input.provider,
    config,
    credentials,
  ));
  if (
    await runtime.db.prisma.cloud.findFirst({
      where: { organizationId: actor.organizationId, title: input.title },
    })
  ) {
    throw titleTaken(input.title);
  }
  await checkCloudDestinations(
    input.provider,
    input.endpoint,
    config,
    { actorRole: actor.role, rules: outboundRules(runtime.settings) },
    credentials,
  );
  config = {
    ...config,
    ...(await checkWithProvider(
      input.provider,
      { credentials, endpoint: input.endpoint ?? null, config },
      { actorRole: actor.role, rules: outboundRules(runtime.settings) },
    )),
  };
  const id = randomUUID();
  try {
    const cloud = await runtime.db.prisma.cloud.create({
      data: {
        id,
        organizationId: actor.organizationId,
        provider: input.provider,
        title: input.title,
        credentials: sealCredentials(runtime.box, id, credentials),
        endpoint: input.endpoint ?? null,
        config: config as object,
        pollIntervalSeconds: input.pollIntervalSeconds ?? null,
        costOverrideMonthly: input.costOverrideMonthly ?? null,
        createdById: actor.userId ?? null,
      },
    });
    await recordAudit(runtime.db, actor, {
      action: 'cloud.create',
      resourceKind: 'cloud',
      resourceId: id,
      details: { provider: input.provider, title: input.title, endpoint: input.endpoint ?? null },
    });
    return cloud;
  } catch (err) {
    if (isUniqueViolation(err)) throw titleTaken(input.title);
    throw err;
  }
}

/** Renames, enables/disables, or changes credentials (checked with the provider first). */
export async function updateCloud(
  runtime: CloudRuntime,
  actor: CloudActor,
  id: string,
  input: UpdateCloudRequest,
  caller: Principal | null,
): Promise<Cloud> {
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, id);
  const provider = cloud.provider;
  const data: Prisma.CloudUpdateInput = {};
  const changed: string[] = [];
  if (input.title !== undefined && input.title !== cloud.title) {
    data.title = input.title;
    changed.push('title');
  }
  if (input.enabled !== undefined) {
    data.enabled = input.enabled;
    changed.push('enabled');
  }
  if (input.pollIntervalSeconds !== undefined) {
    data.pollIntervalSeconds = input.pollIntervalSeconds;
    changed.push('pollIntervalSeconds');
  }
  if (input.costOverrideMonthly !== undefined) {
    data.costOverrideMonthly = input.costOverrideMonthly;
    changed.push('costOverrideMonthly');
  }
  const touchesAccess =
    input.credentials !== undefined || input.config !== undefined || input.endpoint !== undefined;
  if (touchesAccess) {
    let config = (input.config ?? cloud.config) as Record<string, unknown>;
    const endpoint = input.endpoint !== undefined ? input.endpoint : cloud.endpoint;
    // An engine reached through a machine logs in with that machine's key, looked up anew:
    // the stored credentials of the old address are not carried to the new one.
    // (Only a container host's schema admits `sshMachineId`; validation below holds it to that.)
    const viaMachine = typeof config.sshMachineId === 'string';
    if (!viaMachine) {
      requireCredentialsForNewDestinations(
        cloudDestinations(
          providerModule(provider).config,
          cloud.endpoint,
          cloud.config as Record<string, unknown>,
        ),
        cloudDestinations(providerModule(provider).config, endpoint, config),
        input.credentials !== undefined,
      );
    }
    let credentials = input.credentials
      ? normalizeCredentials(provider, input.credentials)
      : viaMachine
        ? {}
        : openCredentials(runtime.box, cloud);
    validateCloudInputs(provider, credentials, config);
    if (viaMachine) {
      ({ config, credentials } = await resolveDockerViaMachine(
        runtime,
        actor.organizationId,
        config,
        credentials,
        caller,
      ));
    }
    // A newly pasted login replaces the organization key the cloud used (unless one is named again).
    if (input.credentials && !input.config?.sshKeyId && 'sshKeyId' in config) {
      const { sshKeyId: _replaced, ...rest } = config;
      config = rest;
    }
    // The stored copy of an organization key is taken afresh from the key itself.
    if (!input.credentials && typeof config.sshKeyId === 'string') {
      credentials = Object.fromEntries(
        Object.entries(credentials).filter(([k]) => !['privateKey', 'passphrase', 'password'].includes(k)),
      );
    }
    ({ config, credentials } = await useOrganizationKey(
      runtime,
      actor.organizationId,
      provider,
      config,
      credentials,
    ));
    await checkCloudDestinations(
      provider,
      endpoint,
      config,
      { actorRole: actor.role, rules: outboundRules(runtime.settings) },
      credentials,
    );
    config = {
      ...config,
      ...(await checkWithProvider(
        provider,
        { credentials, endpoint, config },
        { actorRole: actor.role, rules: outboundRules(runtime.settings) },
      )),
    };
    if (input.credentials || viaMachine || config.sshKeyId) {
      data.credentials = sealCredentials(runtime.box, cloud.id, credentials);
      changed.push('credentials');
    }
    if (input.config || JSON.stringify(config) !== JSON.stringify(cloud.config)) {
      data.config = config as object;
      changed.push('config');
    }
    if (input.endpoint !== undefined) {
      data.endpoint = endpoint;
      changed.push('endpoint');
    }
  }
  try {
    // organizationId in the filter keeps the write inside the caller's organization.
    await runtime.db.prisma.cloud.updateMany({
      where: { id, organizationId: actor.organizationId },
      data: data as never,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw titleTaken(input.title ?? '');
    throw err;
  }
  await recordAudit(runtime.db, actor, {
    action: 'cloud.update',
    resourceKind: 'cloud',
    resourceId: id,
    details: { changed },
  });
  return repos(runtime.db).clouds.getInOrg(actor.organizationId, id);
}

/** Deletes a cloud and its whole inventory; the caller must type the cloud's title. */
export async function deleteCloud(
  runtime: Pick<Runtime, 'db'>,
  actor: Actor & { organizationId: string },
  id: string,
  confirm: string,
): Promise<Cloud> {
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, id);
  if (confirm !== cloud.title) {
    throw new DomainError(
      'conflict',
      'confirmation_required',
      `Type the cloud's title ("${cloud.title}") to confirm: its machines, volumes and history are deleted with it.`,
    );
  }
  await runtime.db.prisma.cloud.deleteMany({ where: { id, organizationId: actor.organizationId } });
  await recordAudit(runtime.db, actor, {
    action: 'cloud.delete',
    resourceKind: 'cloud',
    resourceId: id,
    details: { title: cloud.title, provider: cloud.provider },
  });
  return cloud;
}
