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
 * monthly run-rate (the cost module's figure, stored on each machine). A team's machines are
 * those its members created; the organization's are all of them. The check runs it on the
 * connection that holds the governance lock.
 */
export async function scopeUsage(
  sql: Sql,
  organizationId: string,
  teamId: string | null,
): Promise<ScopeUsage> {
  const params: unknown[] = [organizationId];
  let team = '';
  if (teamId) {
    params.push(teamId);
    team = 'AND m.created_by_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = $2)';
  }
  const { rows } = await sql.query<{ machines: number; vcpus: number; cents: string }>(
    `SELECT count(*)::int AS machines, coalesce(sum(s.cpus), 0)::int AS vcpus,
            round(coalesce(sum(m.cost_monthly), 0) * 100)::text AS cents
     FROM machines m
     LEFT JOIN sizes s ON s.cloud_id = m.cloud_id AND s.external_id = m.size
     WHERE m.organization_id = $1 AND ${BILLED_MACHINE} ${team}`,
    params,
  );
  const row = rows[0];
  return { machines: row?.machines ?? 0, vcpus: row?.vcpus ?? 0, monthlyCents: Number(row?.cents ?? 0) };
}
