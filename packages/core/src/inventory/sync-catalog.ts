import type { RemoteImage, RemoteLocation, RemoteSize } from '@overcast/contracts';
import { type CopyValue, copyRows, type Database } from '@overcast/db';

interface CatalogTable {
  table: 'sizes' | 'images' | 'locations';
  columns: string[];
  types: string[];
  rows: CopyValue[][];
}

/**
 * Replaces one catalog (sizes, images or locations) of a cloud with the provider's list:
 * upserts what changed and removes what the provider no longer offers. Catalogs are
 * reference data, not history, so removal is right here (unlike machines).
 */
async function replaceCatalog(
  db: Database,
  cloudId: string,
  organizationId: string,
  t: CatalogTable,
): Promise<number> {
  const client = await db.pool.connect();
  const tmp = `incoming_${t.table}`;
  const compared = t.columns.filter((c) => c !== 'external_id');
  try {
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMP TABLE ${tmp} (${t.columns.map((c, i) => `${c} ${t.types[i]}`).join(', ')}) ON COMMIT DROP`,
    );
    await copyRows(client, tmp, t.columns, t.rows);
    const upsert = await client.query(
      `INSERT INTO ${t.table} (organization_id, cloud_id, ${t.columns.join(', ')})
       SELECT DISTINCT ON (external_id) $2::uuid, $1::uuid, ${t.columns.join(', ')} FROM ${tmp}
       ON CONFLICT (cloud_id, external_id) DO UPDATE SET ${compared.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
       WHERE (${compared.map((c) => `${t.table}.${c}`).join(', ')}) IS DISTINCT FROM (${compared.map((c) => `EXCLUDED.${c}`).join(', ')})`,
      [cloudId, organizationId],
    );
    const removed = await client.query(
      `DELETE FROM ${t.table} x WHERE x.cloud_id = $1 AND NOT EXISTS (SELECT 1 FROM ${tmp} i WHERE i.external_id = x.external_id)`,
      [cloudId],
    );
    await client.query('COMMIT');
    return (upsert.rowCount ?? 0) + (removed.rowCount ?? 0);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function syncCatalog(
  db: Database,
  target: { cloudId: string; organizationId: string },
  catalog: { sizes: RemoteSize[]; images: RemoteImage[]; locations: RemoteLocation[] },
): Promise<number> {
  const { cloudId, organizationId } = target;
  let changes = 0;
  changes += await replaceCatalog(db, cloudId, organizationId, {
    table: 'sizes',
    columns: [
      'external_id',
      'name',
      'cpus',
      'memory_mb',
      'disk_gb',
      'price_hourly',
      'price_monthly',
      'currency',
      'locations',
      'extra',
    ],
    types: ['text', 'text', 'int', 'int', 'int', 'numeric(12,6)', 'numeric(12,4)', 'text', 'text[]', 'jsonb'],
    rows: catalog.sizes.map((s) => [
      s.externalId,
      s.name,
      s.cpus,
      s.memoryMb,
      s.diskGb,
      s.priceHourly?.amount ?? null,
      s.priceMonthly?.amount ?? null,
      s.priceMonthly?.currency ?? s.priceHourly?.currency ?? 'USD',
      s.locations,
      s.extra,
    ]),
  });
  changes += await replaceCatalog(db, cloudId, organizationId, {
    table: 'images',
    columns: ['external_id', 'name', 'os', 'is_public', 'extra'],
    types: ['text', 'text', 'text', 'boolean', 'jsonb'],
    rows: catalog.images.map((i) => [i.externalId, i.name, i.os, i.isPublic, i.extra]),
  });
  changes += await replaceCatalog(db, cloudId, organizationId, {
    table: 'locations',
    columns: ['external_id', 'name', 'country', 'extra'],
    types: ['text', 'text', 'text', 'jsonb'],
    rows: catalog.locations.map((l) => [l.externalId, l.name, l.country, l.extra]),
  });
  return changes;
}
