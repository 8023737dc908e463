import type { ProviderKind, RemoteVolume } from '@overcast/contracts';
import { type CopyValue, copyRows, type Database } from '@overcast/db';
import { volumeCost } from '../cost';
import { type Listing, type ListingOptions, listedRows } from './listing';

export interface VolumeSyncResult {
  seen: number;
  created: number;
  updated: number;
  missing: number;
}

const COLUMNS = [
  'external_id',
  'name',
  'size_gb',
  'state',
  'raw_state',
  'location',
  'attached_to',
  'provider_tags',
  'extra',
  'cost_monthly',
  'cost_source',
  'price_unknown_reason',
  'launched_at',
] as const;
const COMPARED = COLUMNS.filter((c) => c !== 'external_id');

/** The disk type each driver reports in `extra` (EC2 volumeType, Compute Engine type). */
const diskType = (v: RemoteVolume): string | null => {
  const t = v.extra.volumeType ?? v.extra.type;
  return typeof t === 'string' ? t : null;
};

function toRow(provider: ProviderKind, v: RemoteVolume): CopyValue[] {
  const cost = volumeCost({
    provider,
    location: v.location,
    sizeGb: v.sizeGb,
    type: diskType(v),
    providerMonthly: v.costMonthly,
  });
  return [
    v.externalId,
    v.name,
    v.sizeGb,
    v.state,
    v.rawState,
    v.location,
    v.attachedTo,
    v.tags,
    v.extra,
    cost.monthly,
    cost.source,
    cost.unknownReason,
    v.createdAt,
  ];
}

/**
 * Same contract as syncMachines, for volumes: the listing streams into one transaction that
 * commits only if it completed; only changes are written, vanished volumes are kept as missing.
 */
export async function syncVolumes(
  db: Database,
  target: { cloudId: string; organizationId: string; provider: ProviderKind; listedAt?: Date },
  volumes: Listing<RemoteVolume>,
  options: ListingOptions = {},
): Promise<VolumeSyncResult> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sync:volumes:${target.cloudId}`]);
    await client.query(`CREATE TEMP TABLE incoming_volumes (
      external_id text NOT NULL, name text NOT NULL, size_gb int NOT NULL, state text NOT NULL, raw_state text NOT NULL,
      location text,
      attached_to text[] NOT NULL, provider_tags jsonb NOT NULL, extra jsonb NOT NULL, cost_monthly numeric(12,4),
      cost_source text, price_unknown_reason text, launched_at timestamptz(3)) ON COMMIT DROP`);
    const seen = await copyRows(
      client,
      'incoming_volumes',
      COLUMNS,
      listedRows(volumes, (v) => toRow(target.provider, v), options),
    );
    const params = [target.cloudId, target.organizationId];
    const created = await client.query(
      `INSERT INTO volumes (organization_id, cloud_id, ${COLUMNS.join(', ')})
       SELECT $2, $1, ${COLUMNS.map((c) => `i.${c}`).join(', ')} FROM incoming_volumes i
       WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.cloud_id = $1 AND v.external_id = i.external_id)
       ON CONFLICT (cloud_id, external_id) DO NOTHING`,
      params,
    );
    const updated = await client.query(
      `UPDATE volumes v SET ${COMPARED.map((c) => `${c} = i.${c}`).join(', ')}, missing_since = NULL, updated_at = now()
       FROM incoming_volumes i
       WHERE v.cloud_id = $1 AND v.external_id = i.external_id
         AND (${COMPARED.map((c) => `v.${c}`).join(', ')}, v.missing_since)
             IS DISTINCT FROM (${COMPARED.map((c) => `i.${c}`).join(', ')}, NULL::timestamptz)`,
      [target.cloudId],
    );
    const missing = await client.query(
      `UPDATE volumes v SET missing_since = now(), state = 'missing', updated_at = now()
       WHERE v.cloud_id = $1 AND v.missing_since IS NULL
         AND ($2::timestamptz IS NULL OR v.updated_at < $2::timestamptz)
         AND NOT EXISTS (SELECT 1 FROM incoming_volumes i WHERE i.external_id = v.external_id)`,
      [target.cloudId, target.listedAt ?? null],
    );
    await client.query('COMMIT');
    return {
      seen,
      created: created.rowCount ?? 0,
      updated: updated.rowCount ?? 0,
      missing: missing.rowCount ?? 0,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
