import type { CreateContainerRequest, EngineFacts } from '@overcast/contracts';
import type { ContainerDriver, PullProgress } from '@overcast/providers';
import { type Actor, recordAudit } from '../audit';
import type { Principal } from '../authz/policy';
import { expirationColumns } from '../automation/expiration';
import { containerDriverOf } from '../clouds';
import { DomainError, fromProviderError } from '../errors';
import { governCreation } from '../governance';
import { storeCreatedMachine } from '../machines';
import { refreshAfterChange } from '../polling';
import { repos } from '../repositories';
import type { ActionRuntime, CloudRuntime } from '../runtime';
import { authorizeEngineHost } from './engine-host';

/** The cloud, if it is a container host of the caller's organization, with its driver. */
async function dockerCloud(runtime: CloudRuntime, organizationId: string, cloudId: string) {
  const cloud = await repos(runtime.db).clouds.getInOrg(organizationId, cloudId);
  return { cloud, driver: await containerDriverOf(runtime, cloud) };
}

/** What the engine says about itself right now (version, CPUs, memory, container counts). */
export async function engineFacts(
  runtime: CloudRuntime,
  organizationId: string,
  cloudId: string,
): Promise<EngineFacts> {
  const { cloud, driver } = await dockerCloud(runtime, organizationId, cloudId);
  try {
    return await driver.facts();
  } catch (err) {
    throw fromProviderError(cloud.provider, err, 'reading the engine facts');
  }
}

/**
 * Creates a container (pulling its image first when the engine lacks it, each progress line
 * passed to `onProgress`), stores it at once, audits it, and polls so the rest follows.
 */
export async function createContainer(
  runtime: ActionRuntime,
  actor: Actor & { organizationId: string },
  cloudId: string,
  req: CreateContainerRequest,
  /** The person asking; null for the platform itself. */
  caller: Principal | null,
  onProgress: (p: PullProgress) => void = () => {},
): Promise<{ id: string; name: string }> {
  const { cloud, driver } = await dockerCloud(runtime, actor.organizationId, cloudId);
  await authorizeEngineHost(runtime.db, actor.organizationId, { label: 'you', principal: caller }, cloud.id);
  if (!cloud.enabled)
    throw new DomainError('conflict', 'cloud_disabled', `${cloud.title} is disabled; enable it first.`);
  const summary = {
    image: req.image,
    name: req.name ?? null,
    cloud: cloud.title,
    ports: req.ports ?? [],
    volumes: req.volumes ?? [],
    restartPolicy: req.restartPolicy ?? 'no',
    // Environment values may be secrets: only their names are audited.
    env: Object.keys(req.env ?? {}),
  };
  const creation = {
    cloud,
    kind: 'container' as const,
    size: null,
    location: null,
    image: req.image,
    tags: req.labels ?? {},
    expiresAt: null,
    count: 1,
  };
  return governCreation(runtime, actor, creation, async (filled) => {
    let remote: Awaited<ReturnType<ContainerDriver['createContainer']>>;
    try {
      remote = await driver.createContainer(req, onProgress);
    } catch (err) {
      const failure = fromProviderError(cloud.provider, err, `creating a container from ${req.image}`);
      await recordAudit(runtime.db, actor, {
        action: 'machine.create',
        resourceKind: 'cloud',
        resourceId: cloud.id,
        result: 'failure',
        details: { ...summary, error: failure.message },
      });
      throw failure;
    }
    const machine = await storeCreatedMachine(runtime, actor, cloud, remote, {
      sshKeyId: null,
      audit: summary,
      expiration: filled.expiration ? expirationColumns(filled.expiration, actor.userId ?? null) : {},
    });
    await refreshAfterChange(runtime, cloud.id);
    return machine;
  });
}
