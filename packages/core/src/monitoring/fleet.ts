import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../authz';
import { tagsExpression } from '../authz/resources';

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

/** A running machine whose average CPU stays under this share over the window is idle. */
export const IDLE_CPU_PERCENT = 5;
/** Idleness is judged over a week, so a machine busy on one day of it is not called idle. */
export const IDLE_WINDOW_HOURS = 168;

interface UsageRow extends FleetMachineUsage {
  cloudTitle: string;
  provider: string;
  tags: Record<string, string>;
}

/** Average CPU and memory of each monitored machine the caller may read, over the last `hours`. */
async function monitoredUsage(
  db: Database,
  organizationId: string,
  hours: number,
  caller: Principal | undefined,
): Promise<UsageRow[]> {
  const since = new Date(Date.now() - hours * 3_600_000);
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
    cloud_title: string;
    provider: string;
    state: string;
    cpu: number;
    memory: number | null;
    cost_monthly: string | null;
    cost_currency: string;
    tags: Record<string, unknown>;
  }>(
    `WITH usage AS (
       SELECT machine_id,
              avg(value) FILTER (WHERE metric = 'cpu') AS cpu,
              avg(value) FILTER (WHERE metric = 'memory') AS memory
         FROM metric_samples
        WHERE organization_id = $1 AND time >= $2 AND metric IN ('cpu', 'memory')
        GROUP BY machine_id)
     SELECT u.machine_id, m.name, m.cloud_id, c.title AS cloud_title, c.provider::text AS provider,
            m.state::text AS state, u.cpu, u.memory, m.cost_monthly, m.cost_currency,
            ${tagsExpression('machines', 'm')} AS tags
       FROM usage u JOIN machines m ON m.id = u.machine_id AND m.organization_id = $1
       JOIN clouds c ON c.id = m.cloud_id
      WHERE u.cpu IS NOT NULL${visible ? ` AND ${visible}` : ''}`,
    params,
  );
  return res.rows.map((r) => ({
    machineId: r.machine_id,
    name: r.name,
    cloudId: r.cloud_id,
    cloudTitle: r.cloud_title,
    provider: r.provider,
    state: r.state,
    cpu: Math.round(r.cpu * 100) / 100,
    memory: r.memory === null ? null : Math.round(r.memory * 100) / 100,
    costMonthly: r.cost_monthly === null ? null : Number(r.cost_monthly),
    currency: r.cost_currency,
    tags: Object.fromEntries(Object.entries(r.tags ?? {}).map(([k, v]) => [k, String(v)])),
  }));
}

const publicRow = ({ cloudTitle: _t, provider: _p, tags: _g, ...row }: UsageRow): FleetMachineUsage => row;

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
  const rows = (await monitoredUsage(db, organizationId, options.hours, caller)).map(publicRow);
  const byCpu = [...rows].sort((a, b) => b.cpu - a.cpu);
  const busiest = byCpu.slice(0, options.limit);
  // Idlest: lowest CPU first; among equals, the most expensive first.
  const idlest = [...rows]
    .sort((a, b) => a.cpu - b.cpu || (b.costMonthly ?? 0) - (a.costMonthly ?? 0))
    .slice(0, options.limit);
  return { hours: options.hours, busiest, idlest, monitored: rows.length };
}

export type IdleMachine = UsageRow;

/**
 * The idle machines: running, monitored, with an average CPU under IDLE_CPU_PERCENT over the
 * last IDLE_WINDOW_HOURS; the most expensive first. The caller sees only machines they may read.
 */
export async function idleMachines(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<IdleMachine[]> {
  const rows = await monitoredUsage(db, organizationId, IDLE_WINDOW_HOURS, caller);
  return rows
    .filter((r) => r.state === 'running' && r.cpu < IDLE_CPU_PERCENT)
    .sort((a, b) => (b.costMonthly ?? 0) - (a.costMonthly ?? 0) || a.name.localeCompare(b.name));
}
