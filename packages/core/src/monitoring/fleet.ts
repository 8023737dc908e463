import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../authz';

export interface FleetMachineUsage {
  machineId: string;
  name: string;
  cloudId: string;
  state: string;
  cpu: number;
  memory: number | null;
  costMonthly: number | null;
  currency: string;
}

/**
 * The busiest and idlest monitored machines by average CPU over the last `hours`, with their
 * monthly cost: idle machines that cost money are the first ones to cut.
 */
export async function fleetUsage(
  db: Database,
  organizationId: string,
  options: { hours: number; limit: number },
  /** Team policies limit the machines a caller sees here as everywhere. */
  caller?: Principal,
): Promise<{ hours: number; busiest: FleetMachineUsage[]; idlest: FleetMachineUsage[]; monitored: number }> {
  const since = new Date(Date.now() - options.hours * 3_600_000);
  const params: unknown[] = [organizationId, since];
  const visible = caller
    ? policyFilter({ ...caller, organizationId }, 'machines', 'read', 'm', (v) => {
        params.push(v);
        return `$${params.length}`;
      })
    : null;
  const res = await db.pool.query<{
    machine_id: string;
    name: string;
    cloud_id: string;
    state: string;
    cpu: number;
    memory: number | null;
    cost_monthly: string | null;
    cost_currency: string;
  }>(
    `WITH usage AS (
       SELECT machine_id,
              avg(value) FILTER (WHERE metric = 'cpu') AS cpu,
              avg(value) FILTER (WHERE metric = 'memory') AS memory
         FROM metric_samples
        WHERE organization_id = $1 AND time >= $2 AND metric IN ('cpu', 'memory')
        GROUP BY machine_id)
     SELECT u.machine_id, m.name, m.cloud_id, m.state::text AS state, u.cpu, u.memory,
            m.cost_monthly, m.cost_currency
       FROM usage u JOIN machines m ON m.id = u.machine_id AND m.organization_id = $1
      WHERE u.cpu IS NOT NULL${visible ? ` AND ${visible}` : ''}`,
    params,
  );
  const rows: FleetMachineUsage[] = res.rows.map((r) => ({
    machineId: r.machine_id,
    name: r.name,
    cloudId: r.cloud_id,
    state: r.state,
    cpu: Math.round(r.cpu * 100) / 100,
    memory: r.memory === null ? null : Math.round(r.memory * 100) / 100,
    costMonthly: r.cost_monthly === null ? null : Number(r.cost_monthly),
    currency: r.cost_currency,
  }));
  const byCpu = [...rows].sort((a, b) => b.cpu - a.cpu);
  const busiest = byCpu.slice(0, options.limit);
  // Idlest: lowest CPU first; among equals, the most expensive first.
  const idlest = [...rows]
    .sort((a, b) => a.cpu - b.cpu || (b.costMonthly ?? 0) - (a.costMonthly ?? 0))
    .slice(0, options.limit);
  return { hours: options.hours, busiest, idlest, monitored: rows.length };
}
