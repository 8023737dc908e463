import type { Database } from '@overcast/db';
import { BILLED_MACHINE } from '../cost';

/** The pool, or the one connection that holds the governance lock. */
export type Sql = Pick<Database['pool'], 'query'>;

export interface ScopeUsage {
  machines: number;
  vcpus: number;
  /** Cents, so sums and comparisons are exact. */
  monthlyCents: number;
}

/**
 * What a scope uses now: its billed machines, their vCPUs (from the cloud's sizes) and their
 * monthly run-rate (the cost module's figure, stored on each machine), plus the machines of
 * stacks admitted but not yet being made (a machine or container still "pending" holds its size's figures),
 * so a stack's headroom is not given to the next request before its worker gets to it. A team's
 * machines are those its members created; the organization's are all of them. The check runs it
 * on the connection that holds the governance lock.
 */
export async function scopeUsage(
  sql: Sql,
  organizationId: string,
  teamId: string | null,
): Promise<ScopeUsage> {
  const params: unknown[] = [organizationId];
  let team = '';
  let stackTeam = '';
  if (teamId) {
    params.push(teamId);
    const members = '(SELECT tm.user_id FROM team_members tm WHERE tm.team_id = $2)';
    team = `AND m.created_by_id IN ${members}`;
    stackTeam = `AND st.created_by_id IN ${members}`;
  }
  const { rows } = await sql.query<{ machines: number; vcpus: number; cents: string }>(
    `SELECT sum(machines)::int AS machines, sum(vcpus)::int AS vcpus,
            round(sum(cost) * 100)::text AS cents
     FROM (
       SELECT count(*) AS machines, coalesce(sum(s.cpus), 0) AS vcpus,
              coalesce(sum(m.cost_monthly), 0) AS cost
       FROM machines m
       LEFT JOIN sizes s ON s.cloud_id = m.cloud_id AND s.external_id = m.size
       WHERE m.organization_id = $1 AND ${BILLED_MACHINE} ${team}
       UNION ALL
       SELECT count(*), coalesce(sum(r.vcpus), 0), coalesce(sum(r.cost_monthly), 0)
       FROM stack_resources r JOIN stacks st ON st.id = r.stack_id
       WHERE st.organization_id = $1 AND st.status = 'deploying' AND r.status = 'pending'
         AND r.machine_id IS NULL AND r.kind <> 'volume' ${stackTeam}
     ) u`,
    params,
  );
  const row = rows[0];
  return { machines: row?.machines ?? 0, vcpus: row?.vcpus ?? 0, monthlyCents: Number(row?.cents ?? 0) };
}
