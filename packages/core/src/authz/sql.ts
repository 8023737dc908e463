import type { Database } from '@overcast/db';
import type { AuthzAction, ResourceKind } from './kinds';
import { governedByPolicies, isScoped, type Policy, type Principal, relevantPolicies } from './policy';
import { KIND_TABLES } from './resources';

/** Appends a value to a query's parameters and returns its placeholder. */
export type Bind = (value: unknown) => string;

/**
 * Whether the row carries tag k (=v): an Overcast tag, or a provider tag it does not override. The
 * tag lookups are uncorrelated IN subqueries, which Postgres runs once per query as a hash, so a
 * filtered list costs a hash probe per row rather than an index lookup per row.
 */
function tagCondition(kind: ResourceKind, alias: string, org: string, key: string, value: string): string {
  const t = KIND_TABLES[kind];
  const own = (extra: string) =>
    `${alias}.id IN (SELECT resource_id FROM tags WHERE organization_id = ${org}::uuid AND resource_kind = '${t.tagKind}' AND key = ${key}${extra})`;
  if (!t.providerTags) return value === '' ? own('') : own(` AND value = ${value}`);
  // A row without provider tags (or without this key) makes the provider test NULL, not false; a
  // NULL inside a deny's NOT (...) would hide the row from lists that its single read still shows.
  if (value === '') return `(coalesce(${alias}.provider_tags ? ${key}, false) OR ${own('')})`;
  return `(${own(` AND value = ${value}`)} OR (coalesce(${alias}.provider_tags ->> ${key} = ${value}, false) AND NOT ${own('')}))`;
}

function condition(p: Policy, kind: ResourceKind, alias: string, org: string, bind: Bind): string {
  if (!isScoped(p)) return 'true';
  const parts: string[] = [];
  const t = KIND_TABLES[kind];
  if (p.cloudIds.length > 0) {
    if (!t.cloudColumn) return 'false';
    parts.push(`${alias}.${t.cloudColumn} = ANY(${bind(p.cloudIds)}::uuid[])`);
  }
  for (const [k, v] of Object.entries(p.tags)) {
    parts.push(tagCondition(kind, alias, org, bind(k), v === '' ? '' : bind(v)));
  }
  return `(${parts.join(' AND ')})`;
}

/**
 * A WHERE condition keeping only the rows of `kind` (aliased `alias`) the principal may act on with
 * `action`, or null when every row of the organization is allowed. Lists use it so a filtered page
 * still pages and counts right.
 */
export function policyFilter(
  p: Principal & { organizationId: string },
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
  let org = '';
  const orgParam = () => {
    if (!org) org = bind(p.organizationId);
    return org;
  };
  const cond = (r: Policy) =>
    Object.keys(r.tags).length > 0
      ? condition(r, kind, alias, orgParam(), bind)
      : condition(r, kind, alias, '', bind);
  const allow = allows.some((r) => !isScoped(r)) ? 'true' : allows.map(cond).join(' OR ');
  if (denies.length === 0) return allow === 'true' ? null : `(${allow})`;
  const deny = denies.map(cond).join(' OR ');
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
  const filter = policyFilter({ ...p, organizationId }, kind, 'read', 'r', (value) => {
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
