import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../authz';

// The monthly run-rate, computed in one place: the Dashboard, the Clouds page and the daily
// cost snapshots all read these conditions and this function, so their figures agree.

/** Machines that bill now: everything the provider still lists (stopped ones carry their own price, 0 or not). */
export const BILLED_MACHINE = `m.state NOT IN ('terminated', 'missing')`;
/** Volumes that bill now: the provider still lists them, attached or not. */
export const BILLED_VOLUME = 'v.missing_since IS NULL';

export interface CloudRunRate {
  cloudId: string;
  title: string;
  provider: string;
  /** Machines + volumes, rounded to cents: the figure shown everywhere. */
  monthly: string;
  machinesMonthly: string;
  volumesMonthly: string;
  machines: number;
  volumes: number;
  /** Billed machines and volumes with no known price (not counted in `monthly`). */
  unpricedMachines: number;
  unpricedVolumes: number;
}

const cents = (s: string) => Math.round(Number(s) * 100);
const money = (c: number) => (c / 100).toFixed(2);

/** The sum of cloud figures as shown, so a total always equals the sum of its rows. */
export function totalOf(rates: Pick<CloudRunRate, 'monthly'>[]): string {
  return money(rates.reduce((sum, r) => sum + cents(r.monthly), 0));
}

/**
 * Each cloud's monthly run-rate. A caller limited by team policies gets the clouds they may read
 * and, within them, the cost of the machines and volumes they may read; clouds they only see
 * through a machine are included too.
 */
export async function cloudRunRates(
  db: Database,
  organizationId: string,
  options: { caller?: Principal | undefined; cloudIds?: string[] } = {},
): Promise<CloudRunRate[]> {
  const params: unknown[] = [organizationId];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const who = options.caller ? { ...options.caller, organizationId } : null;
  const machines = who ? policyFilter(who, 'machines', 'read', 'm', bind) : null;
  const volumes = who ? policyFilter(who, 'volumes', 'read', 'v', bind) : null;
  const clouds = who ? policyFilter(who, 'clouds', 'read', 'c', bind) : null;
  const only = options.cloudIds ? `AND c.id = ANY(${bind(options.cloudIds)}::uuid[])` : '';
  const { rows } = await db.pool.query<{
    cloud_id: string;
    title: string;
    provider: string;
    machines_monthly: string;
    volumes_monthly: string;
    machines: number;
    volumes: number;
    unpriced_machines: number;
    unpriced_volumes: number;
  }>(
    `SELECT c.id AS cloud_id, c.title, c.provider::text AS provider,
            coalesce(mm.monthly, 0)::text AS machines_monthly, coalesce(vv.monthly, 0)::text AS volumes_monthly,
            coalesce(mm.n, 0) AS machines, coalesce(vv.n, 0) AS volumes,
            coalesce(mm.unpriced, 0) AS unpriced_machines, coalesce(vv.unpriced, 0) AS unpriced_volumes
     FROM clouds c
     LEFT JOIN LATERAL (
       SELECT sum(m.cost_monthly) AS monthly, count(*)::int AS n,
              count(*) FILTER (WHERE m.cost_monthly IS NULL)::int AS unpriced
       FROM machines m WHERE m.cloud_id = c.id AND ${BILLED_MACHINE} ${machines ? `AND ${machines}` : ''}
     ) mm ON true
     LEFT JOIN LATERAL (
       SELECT sum(v.cost_monthly) AS monthly, count(*)::int AS n,
              count(*) FILTER (WHERE v.cost_monthly IS NULL)::int AS unpriced
       FROM volumes v WHERE v.cloud_id = c.id AND ${BILLED_VOLUME} ${volumes ? `AND ${volumes}` : ''}
     ) vv ON true
     WHERE c.organization_id = $1 ${only}
       ${clouds || machines ? `AND ((${clouds ?? 'false'}) OR coalesce(mm.n, 0) > 0)` : ''}`,
    params,
  );
  return rows
    .map((r) => ({
      cloudId: r.cloud_id,
      title: r.title,
      provider: r.provider,
      monthly: money(cents(r.machines_monthly) + cents(r.volumes_monthly)),
      machinesMonthly: money(cents(r.machines_monthly)),
      volumesMonthly: money(cents(r.volumes_monthly)),
      machines: r.machines,
      volumes: r.volumes,
      unpricedMachines: r.unpriced_machines,
      unpricedVolumes: r.unpriced_volumes,
    }))
    .sort((a, b) => cents(b.monthly) - cents(a.monthly) || a.title.localeCompare(b.title));
}
