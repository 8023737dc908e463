import type { Database } from '@overcast/db';
import type { AuthzAction, ResourceKind } from './kinds';
import { governedByPolicies, isScoped, type Policy, type Principal, relevantPolicies } from './policy';
import { KIND_TABLES, tagsExpression } from './resources';

/** Appends a value to a query's parameters and returns its placeholder. */
export type Bind = (value: unknown) => string;

function condition(p: Policy, kind: ResourceKind, alias: string, bind: Bind): string {
  if (!isScoped(p)) return 'true';
  const parts: string[] = [];
  const t = KIND_TABLES[kind];
  if (p.cloudIds.length > 0) {
    if (!t.cloudColumn) return 'false';
    parts.push(`${alias}.${t.cloudColumn}::text = ANY(${bind(p.cloudIds)}::text[])`);
  }
  const tags = Object.entries(p.tags);
  if (tags.length > 0) {
    const expr = tagsExpression(kind, alias);
    const exact = Object.fromEntries(tags.filter(([, v]) => v !== ''));
    if (Object.keys(exact).length > 0) parts.push(`${expr} @> ${bind(JSON.stringify(exact))}::jsonb`);
    const anyValue = tags.filter(([, v]) => v === '').map(([k]) => k);
    if (anyValue.length > 0) parts.push(`${expr} ?& ${bind(anyValue)}::text[]`);
  }
  return `(${parts.join(' AND ')})`;
}

/**
 * A WHERE condition keeping only the rows of `kind` (aliased `alias`) the principal may act on with
 * `action`, or null when every row of the organization is allowed. Lists use it so a filtered page
 * still pages and counts right.
 */
export function policyFilter(
  p: Principal,
  kind: ResourceKind,
  action: AuthzAction,
  alias: string,
  bind: Bind,
): string | null {
  if (p.role === 'owner' || p.role === 'admin') return null;
  if (!governedByPolicies(p)) return null;
  const rules = relevantPolicies(p, kind, action);
  const allows = rules.filter((r) => r.effect === 'allow');
  const denies = rules.filter((r) => r.effect === 'deny');
  if (allows.length === 0) return 'false';
  const allow = allows.some((r) => !isScoped(r))
    ? 'true'
    : allows.map((r) => condition(r, kind, alias, bind)).join(' OR ');
  if (denies.length === 0) return allow === 'true' ? null : `(${allow})`;
  const deny = denies.map((r) => condition(r, kind, alias, bind)).join(' OR ');
  return `((${allow}) AND NOT (${deny}))`;
}

/** The ids of the organization's resources of `kind` the principal may read, or null for all of them. */
export async function allowedIds(
  db: Database,
  organizationId: string,
  p: Principal,
  kind: ResourceKind,
): Promise<string[] | null> {
  const params: unknown[] = [organizationId];
  const filter = policyFilter(p, kind, 'read', 'r', (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  if (!filter) return null;
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT r.id FROM ${KIND_TABLES[kind].table} r WHERE r.organization_id = $1 AND ${filter}`,
    params,
  );
  return rows.map((r) => r.id);
}
