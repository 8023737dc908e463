import type { RuleTarget } from '@overcast/contracts';
import type { Database } from '@overcast/db';

/**
 * SQL condition on machines `m` for a target; values are appended to `params` and referenced by
 * position, so nothing from the rule is ever spliced into the text. The caller has already
 * scoped `m` to one organization.
 */
export function targetCondition(target: RuleTarget, params: unknown[]): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  switch (target.kind) {
    case 'all':
      return 'true';
    case 'machines':
      return `m.id = ANY(${p(target.machineIds)}::uuid[])`;
    case 'cloud':
      return `m.cloud_id = ANY(${p(target.cloudIds)}::uuid[])`;
    case 'tag': {
      const key = p(target.key);
      if (target.value === undefined) {
        return `(m.provider_tags ? ${key} OR EXISTS (SELECT 1 FROM tags t WHERE t.resource_kind = 'machine' AND t.resource_id = m.id AND t.key = ${key}))`;
      }
      const value = p(target.value);
      return `(m.provider_tags ->> ${key} = ${value} OR EXISTS (SELECT 1 FROM tags t WHERE t.resource_kind = 'machine' AND t.resource_id = m.id AND t.key = ${key} AND t.value = ${value}))`;
    }
  }
}

/** Ids of the organization's machines a target picks (terminated ones excluded). */
export async function targetMachineIds(
  db: Database,
  organizationId: string,
  target: RuleTarget,
  options: { monitoredOnly?: boolean } = {},
): Promise<string[]> {
  const params: unknown[] = [organizationId];
  const where = targetCondition(target, params);
  const monitored = options.monitoredOnly ? 'AND m.monitoring_enabled' : '';
  const res = await db.pool.query<{ id: string }>(
    `SELECT m.id FROM machines m WHERE m.organization_id = $1 AND m.state <> 'terminated' ${monitored} AND ${where}`,
    params,
  );
  return res.rows.map((r) => r.id);
}
