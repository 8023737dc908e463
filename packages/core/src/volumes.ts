import type { Volume, VolumeOperation } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type Actor, recordAudit } from './audit';
import { type Principal, policyFilter } from './authz';
import { driverOf, getCloud } from './clouds';
import { DomainError, fromProviderError, notFound } from './errors';
import { type ActionDeps, orgMachine } from './machines';
import { refreshNow } from './polling';

interface VolumeRow {
  id: string;
  cloud_id: string;
  cloud_title: string;
  external_id: string;
  name: string;
  size_gb: number;
  state: string;
  location: string | null;
  attached: { externalId: string; machineId: string | null; name: string | null }[];
  cost_monthly: string | null;
  price_unknown_reason: string | null;
  missing_since: Date | null;
}

const SELECT = `
  SELECT v.id, v.cloud_id, c.title AS cloud_title, v.external_id, v.name, v.size_gb, v.state, v.location,
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
  location: r.location,
  attachedTo: r.attached,
  costMonthly: r.cost_monthly === null ? null : Number(r.cost_monthly).toFixed(2),
  priceUnknownReason: r.price_unknown_reason,
  missingSince: r.missing_since?.toISOString() ?? null,
});

export async function listVolumes(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<Volume[]> {
  const params: unknown[] = [organizationId];
  const allowed = caller
    ? policyFilter({ ...caller, organizationId }, 'volumes', 'read', 'v', (value) => {
        params.push(value);
        return `$${params.length}`;
      })
    : null;
  const { rows } = await db.pool.query<VolumeRow>(
    `${SELECT} WHERE v.organization_id = $1 ${allowed ? `AND ${allowed}` : ''} ORDER BY v.name, v.id`,
    params,
  );
  return rows.map(toVolume);
}

async function orgVolume(db: Database, organizationId: string, id: string) {
  const volume = await db.prisma.volume.findFirst({ where: { id, organizationId } });
  if (!volume) throw notFound('Volume');
  return volume;
}

type OrgActor = Actor & { organizationId: string };

async function runVolumeOp(
  deps: ActionDeps,
  actor: OrgActor,
  cloudId: string,
  op: VolumeOperation,
  audit: { action: string; resourceId: string; details: Record<string, unknown> },
) {
  const cloud = await getCloud(deps.db, actor.organizationId, cloudId);
  try {
    const result = await (await driverOf(deps.box, cloud)).volumeAction(op);
    await recordAudit(deps.db, actor, { ...audit, resourceKind: 'volume' });
    await refreshNow(deps.pollQueue, cloud.id);
    return result;
  } catch (err) {
    const failure = fromProviderError(
      cloud.provider,
      err,
      audit.action.replace('volume.', '') + ' the volume',
    );
    await recordAudit(deps.db, actor, {
      ...audit,
      resourceKind: 'volume',
      result: 'failure',
      details: { ...audit.details, error: failure.message },
    });
    throw failure;
  }
}

export async function createVolume(
  deps: ActionDeps,
  actor: OrgActor,
  cloudId: string,
  req: { name: string; sizeGb: number; location: string },
): Promise<void> {
  await runVolumeOp(
    deps,
    actor,
    cloudId,
    { op: 'create', ...req },
    { action: 'volume.create', resourceId: cloudId, details: req },
  );
}

export async function attachVolume(
  deps: ActionDeps,
  actor: OrgActor,
  id: string,
  machineId: string,
  attach: boolean,
): Promise<void> {
  const volume = await orgVolume(deps.db, actor.organizationId, id);
  const machine = await orgMachine(deps.db, actor.organizationId, machineId);
  if (machine.cloudId !== volume.cloudId) {
    throw new DomainError(
      'invalid',
      'different_cloud',
      `${volume.name} and ${machine.name} are in different clouds; a volume attaches only within its cloud.`,
    );
  }
  await runVolumeOp(
    deps,
    actor,
    volume.cloudId,
    { op: attach ? 'attach' : 'detach', volumeId: volume.externalId, machineId: machine.externalId },
    {
      action: attach ? 'volume.attach' : 'volume.detach',
      resourceId: id,
      details: { volume: volume.name, machine: machine.name },
    },
  );
}

export async function deleteVolume(deps: ActionDeps, actor: OrgActor, id: string): Promise<void> {
  const volume = await orgVolume(deps.db, actor.organizationId, id);
  if (volume.attachedTo.length > 0) {
    throw new DomainError(
      'conflict',
      'volume_attached',
      `${volume.name} is attached; detach it before deleting it.`,
    );
  }
  await runVolumeOp(
    deps,
    actor,
    volume.cloudId,
    { op: 'delete', volumeId: volume.externalId },
    {
      action: 'volume.delete',
      resourceId: id,
      details: { name: volume.name },
    },
  );
}
