import type { RemoteVolume, Volume, VolumeList, VolumeListQuery, VolumeOperation } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type OrgActor, recordAudit } from './audit';
import { type Principal, policyFilter } from './authz';
import { driverOf } from './clouds';
import { DomainError, fromProviderError } from './errors';
import { escapeLike } from './machines/list';
import { refreshNow } from './polling';
import { repos } from './repositories';
import type { ActionRuntime } from './runtime';

interface VolumeRow {
  id: string;
  cloud_id: string;
  cloud_title: string;
  external_id: string;
  name: string;
  size_gb: number;
  state: Volume['state'];
  raw_state: string;
  location: string | null;
  attached: { externalId: string; machineId: string | null; name: string | null }[];
  cost_monthly: string | null;
  price_unknown_reason: string | null;
  missing_since: Date | null;
}

const SELECT = `
  SELECT v.id, v.cloud_id, c.title AS cloud_title, v.external_id, v.name, v.size_gb, v.state, v.raw_state, v.location,
         coalesce((SELECT jsonb_agg(jsonb_build_object('externalId', a.ext, 'machineId', m.id, 'name', m.name))
                   FROM unnest(v.attached_to) AS a(ext)
                   LEFT JOIN machines m ON m.cloud_id = v.cloud_id AND m.external_id = a.ext), '[]'::jsonb) AS attached,
         v.cost_monthly::text AS cost_monthly, v.price_unknown_reason, v.missing_since
  FROM volumes v JOIN clouds c ON c.id = v.cloud_id`;

const toVolume = (r: VolumeRow): Volume => ({
  id: r.id,
  cloudId: r.cloud_id,
  cloudTitle: r.cloud_title,
  externalId: r.external_id,
  name: r.name,
  sizeGb: r.size_gb,
  state: r.state,
  rawState: r.raw_state,
  location: r.location,
  attachedTo: r.attached,
  costMonthly: r.cost_monthly === null ? null : Number(r.cost_monthly).toFixed(2),
  priceUnknownReason: r.price_unknown_reason,
  missingSince: r.missing_since?.toISOString() ?? null,
});

/** One page of the volumes the caller may read, matching the filters, with totals over all that match. */
export async function listVolumes(
  db: Database,
  organizationId: string,
  caller?: Principal,
  query: VolumeListQuery = {},
): Promise<VolumeList> {
  const params: unknown[] = [organizationId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['v.organization_id = $1'];
  const allowed = caller ? policyFilter({ ...caller, organizationId }, 'volumes', 'read', 'v', p) : null;
  if (allowed) where.push(allowed);
  if (query.q) {
    const like = p(`%${escapeLike(query.q)}%`);
    where.push(`(v.name ILIKE ${like} OR v.external_id ILIKE ${like})`);
  }
  if (query.state) where.push(`v.state = ${p(query.state)}`);
  if (query.cloud) where.push(`v.cloud_id = ${p(query.cloud)}`);
  if (query.machine) {
    where.push(`EXISTS (SELECT 1 FROM machines am WHERE am.id = ${p(query.machine)} AND am.organization_id = $1
                AND am.cloud_id = v.cloud_id AND am.external_id = ANY (v.attached_to))`);
  }
  const filter = where.join(' AND ');
  const totals = await db.pool.query<{ total: number; size_gb: number; attached: number }>(
    `SELECT count(*)::int AS total, coalesce(sum(v.size_gb), 0)::int AS size_gb,
            (count(*) FILTER (WHERE cardinality(v.attached_to) > 0))::int AS attached
     FROM volumes v WHERE ${filter}`,
    params,
  );
  const limit = p(query.limit ?? 100);
  const offset = p(query.offset ?? 0);
  const { rows } = await db.pool.query<VolumeRow>(
    `${SELECT} WHERE ${filter} ORDER BY v.name, v.id LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  const t = totals.rows[0];
  return {
    items: rows.map(toVolume),
    total: t?.total ?? 0,
    totalSizeGb: t?.size_gb ?? 0,
    attached: t?.attached ?? 0,
  };
}

async function runVolumeOp(
  runtime: ActionRuntime,
  actor: OrgActor,
  cloudId: string,
  op: VolumeOperation,
  audit: { action: string; resourceId: string; details: Record<string, unknown> },
) {
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, cloudId);
  try {
    const result = await (await driverOf(runtime, cloud)).volumeAction(op);
    await recordAudit(runtime.db, actor, { ...audit, resourceKind: 'volume' });
    await refreshNow(runtime, cloud.id);
    return result;
  } catch (err) {
    const failure = fromProviderError(
      cloud.provider,
      err,
      audit.action.replace('volume.', '') + ' the volume',
    );
    await recordAudit(runtime.db, actor, {
      ...audit,
      resourceKind: 'volume',
      result: 'failure',
      details: { ...audit.details, error: failure.message },
    });
    throw failure;
  }
}

/** Creates a volume; returns it as the provider describes it (every driver does for a create). */
export async function createVolume(
  runtime: ActionRuntime,
  actor: OrgActor,
  cloudId: string,
  req: { name: string; sizeGb: number; location: string },
): Promise<RemoteVolume | null> {
  const made = await runVolumeOp(
    runtime,
    actor,
    cloudId,
    { op: 'create', ...req },
    { action: 'volume.create', resourceId: cloudId, details: req },
  );
  return made ?? null;
}

/** A volume and a machine by their provider ids, in one cloud: what an attach, detach or delete names. */
interface InCloud {
  externalId: string;
  name: string;
}

/** The audited id of a volume: its row once a poll has stored it, its cloud before. */
async function auditedId(runtime: ActionRuntime, cloudId: string, externalId: string) {
  const row = await runtime.db.prisma.volume.findUnique({
    where: { cloudId_externalId: { cloudId, externalId } },
    select: { id: true },
  });
  return row?.id ?? cloudId;
}

/**
 * Attaches or detaches a volume by provider ids (the caller has checked both are the
 * organization's, in this cloud): the part the volume routes and a stack's volumes share.
 */
export async function attachInCloud(
  runtime: ActionRuntime,
  actor: OrgActor,
  cloudId: string,
  volume: InCloud,
  machine: InCloud,
  attach: boolean,
): Promise<void> {
  await runVolumeOp(
    runtime,
    actor,
    cloudId,
    { op: attach ? 'attach' : 'detach', volumeId: volume.externalId, machineId: machine.externalId },
    {
      action: attach ? 'volume.attach' : 'volume.detach',
      resourceId: await auditedId(runtime, cloudId, volume.externalId),
      details: { volume: volume.name, machine: machine.name },
    },
  );
}

export async function attachVolume(
  runtime: ActionRuntime,
  actor: OrgActor,
  id: string,
  machineId: string,
  attach: boolean,
): Promise<void> {
  const volume = await repos(runtime.db).volumes.getInOrg(actor.organizationId, id);
  const machine = await repos(runtime.db).machines.getInOrg(actor.organizationId, machineId);
  if (machine.cloudId !== volume.cloudId) {
    throw new DomainError(
      'invalid',
      'different_cloud',
      `${volume.name} and ${machine.name} are in different clouds; a volume attaches only within its cloud.`,
    );
  }
  await attachInCloud(runtime, actor, volume.cloudId, volume, machine, attach);
}

/** Deletes a volume by its provider id (the caller knows it is detached and the organization's). */
export async function deleteInCloud(
  runtime: ActionRuntime,
  actor: OrgActor,
  cloudId: string,
  volume: InCloud,
): Promise<void> {
  await runVolumeOp(
    runtime,
    actor,
    cloudId,
    { op: 'delete', volumeId: volume.externalId },
    {
      action: 'volume.delete',
      resourceId: await auditedId(runtime, cloudId, volume.externalId),
      details: { name: volume.name },
    },
  );
}

export async function deleteVolume(runtime: ActionRuntime, actor: OrgActor, id: string): Promise<void> {
  const volume = await repos(runtime.db).volumes.getInOrg(actor.organizationId, id);
  if (volume.attachedTo.length > 0) {
    throw new DomainError(
      'conflict',
      'volume_attached',
      `${volume.name} is attached; detach it before deleting it.`,
    );
  }
  await deleteInCloud(runtime, actor, volume.cloudId, volume);
}
