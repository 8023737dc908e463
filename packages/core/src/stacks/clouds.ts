import { CreateContainerRequest } from '@overcast/contracts';
import type { Cloud, Database } from '@overcast/db';
import { Value } from '@sinclair/typebox/value';
import { decide, type Principal } from '../authz';
import { featuresOf } from '../clouds';
import { DomainError } from '../errors';
import type { ContainerSpec, MachineSpec, VolumeSpec } from './specs';
import { lineOf } from './template-parse';

/** The cloud a resource names (by id or title), or a 400 naming the resource (`machine web`). */
export async function cloudNamed(db: Database, organizationId: string, ref: string, what: string) {
  const uuid = /^[0-9a-f-]{36}$/i.test(ref);
  const cloud = await db.prisma.cloud.findFirst({
    where: { organizationId, ...(uuid ? { OR: [{ id: ref }, { title: ref }] } : { title: ref }) },
  });
  if (!cloud)
    throw new DomainError(
      'invalid',
      'template_reference',
      `The ${what} names the cloud "${ref}", which the organization does not have; give a cloud's title or id.`,
      'body.inputs',
    );
  return cloud;
}

export async function keyNamed(db: Database, organizationId: string, ref: string, resource: string) {
  const uuid = /^[0-9a-f-]{36}$/i.test(ref);
  const key = await db.prisma.sshKey.findFirst({
    where: { organizationId, ...(uuid ? { OR: [{ id: ref }, { name: ref }] } : { name: ref }) },
  });
  if (!key)
    throw new DomainError(
      'invalid',
      'template_reference',
      `The machine ${resource} names the SSH key "${ref}", which the organization does not have.`,
      'body.inputs',
    );
  return key;
}

const notAllowed = (what: string, cloud: Cloud) =>
  new DomainError(
    'forbidden',
    'not_allowed',
    `Your teams' policies do not let you create ${what} in ${cloud.title}; ask an admin to grant it.`,
  );

/**
 * The cloud of each machine to be made, by label, once its SSH key exists and the caller's
 * policies let them create machines there; refused whole otherwise, before anything is written.
 */
export async function cloudsToCreateIn(
  db: Database,
  organizationId: string,
  caller: Principal | null,
  specs: MachineSpec[],
): Promise<Map<string, Cloud>> {
  const clouds = new Map<string, Cloud>();
  for (const spec of specs) {
    const cloud = await cloudNamed(db, organizationId, spec.cloud, `machine ${spec.resource}`);
    if (caller && !decide(caller, 'machines', 'create', { cloudId: cloud.id, tags: spec.request.tags ?? {} }))
      throw notAllowed('machines', cloud);
    if (spec.key) await keyNamed(db, organizationId, spec.key, spec.resource);
    clouds.set(spec.label, cloud);
  }
  return clouds;
}

/** Where a resource is written in the template, for a message ("the volume data (line 12)"). */
const where = (source: string | null, kind: 'volumes' | 'containers', resource: string) =>
  `${kind.slice(0, -1)} ${resource}${source ? ` (line ${lineOf(source, ['resources', kind, resource])})` : ''}`;

/**
 * The cloud of each volume and container, by label: one whose provider can make it (its
 * module's features say so), that the caller may create it in, a volume in its machine's cloud,
 * a container's request one the engine API accepts. Refused whole, before anything is written.
 */
export async function volumeAndContainerClouds(
  db: Database,
  organizationId: string,
  caller: Principal | null,
  specs: { volumes: VolumeSpec[]; containers: ContainerSpec[] },
  machineClouds: Map<string, Cloud>,
  source: string | null,
): Promise<{ volumes: Map<string, Cloud>; containers: Map<string, Cloud> }> {
  const volumes = new Map<string, Cloud>();
  for (const spec of specs.volumes) {
    const what = where(source, 'volumes', spec.resource);
    const cloud = await cloudNamed(db, organizationId, spec.cloud, what);
    if (!featuresOf(cloud.provider).volumes)
      throw new DomainError(
        'invalid',
        'template_reference',
        `The ${what} is in ${cloud.title}, whose provider has no volumes; put it in a cloud that has.`,
        'body.inputs',
      );
    const machineCloud = machineClouds.get(spec.attach.label);
    if (machineCloud && machineCloud.id !== cloud.id)
      throw new DomainError(
        'invalid',
        'template_reference',
        `The ${what} is in ${cloud.title} but attaches to ${spec.attach.resource} in ${machineCloud.title}; a volume attaches only within its cloud.`,
        'body.inputs',
      );
    if (caller && !decide(caller, 'volumes', 'create', { cloudId: cloud.id }))
      throw notAllowed('volumes', cloud);
    volumes.set(spec.label, cloud);
  }
  const containers = new Map<string, Cloud>();
  for (const spec of specs.containers) {
    const what = where(source, 'containers', spec.resource);
    const cloud = await cloudNamed(db, organizationId, spec.cloud, what);
    if (!featuresOf(cloud.provider).containers)
      throw new DomainError(
        'invalid',
        'template_reference',
        `The ${what} is in ${cloud.title}, which is not a container host; give a Docker cloud.`,
        'body.inputs',
      );
    const bad = Value.Errors(CreateContainerRequest, spec.request).First();
    if (bad)
      throw new DomainError(
        'invalid',
        'template_reference',
        `The ${what} has a ${bad.path.split('/')[1] ?? 'field'} the engine would refuse: ${bad.message}.`,
        'body.inputs',
      );
    if (
      caller &&
      !decide(caller, 'machines', 'create', { cloudId: cloud.id, tags: spec.request.labels ?? {} })
    )
      throw notAllowed('containers', cloud);
    containers.set(spec.label, cloud);
  }
  return { volumes, containers };
}
