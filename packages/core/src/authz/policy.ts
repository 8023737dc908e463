import type { Role } from '@overcast/db';
import {
  AUTHZ_ACTIONS,
  type AuthzAction,
  CLOUD_SCOPED_KINDS,
  isAuthzAction,
  isResourceKind,
  type PolicyAction,
  type PolicyKind,
  RESOURCE_KINDS,
  type ResourceKind,
  roleAllows,
} from './kinds';

/** One rule of a team the caller belongs to, as loaded with the session. */
export interface Policy {
  effect: 'allow' | 'deny';
  action: PolicyAction;
  kind: PolicyKind;
  /** Limits the rule to resources of these clouds (a cloud itself counts as its own); empty means any. */
  cloudIds: string[];
  /** Limits the rule to resources carrying every one of these tags; an empty value matches any value. */
  tags: Record<string, string>;
}

/** Who is asking, as far as authorization cares. */
export interface Principal {
  role: Role;
  /** The policies of the caller's teams; empty when no team policy applies (then the role decides). */
  policies: Policy[];
}

/** What is known about the resource a request is about. */
export interface ResourceScope {
  cloudId: string | null;
  /** Unknown (undefined) when creating: a tag-limited rule cannot match what does not exist yet. */
  tags?: Record<string, string>;
}

/** Whether policies, rather than the role alone, decide for this principal. */
export const governedByPolicies = (p: Principal): boolean =>
  p.policies.length > 0 && (p.role === 'member' || p.role === 'viewer');

const applies = (p: Policy, kind: ResourceKind, action: AuthzAction) =>
  (p.kind === '*' || p.kind === kind) && (p.action === '*' || p.action === action);

export const isScoped = (p: Policy): boolean => p.cloudIds.length > 0 || Object.keys(p.tags).length > 0;

function matches(p: Policy, scope: ResourceScope): boolean {
  if (p.cloudIds.length > 0 && (!scope.cloudId || !p.cloudIds.includes(scope.cloudId))) return false;
  const wanted = Object.entries(p.tags);
  if (wanted.length === 0) return true;
  const tags = scope.tags;
  if (!tags) return false;
  return wanted.every(([k, v]) => k in tags && (v === '' || tags[k] === v));
}

/** The policies that decide this kind and action; the caller needs a resource scope when any is limited. */
export function relevantPolicies(p: Principal, kind: ResourceKind, action: AuthzAction): Policy[] {
  return p.policies.filter((x) => applies(x, kind, action));
}

/**
 * The decision. Owners and admins may do everything; viewers only read. For members and viewers in teams
 * with policies, a matching deny wins, then a matching allow grants, and anything else is refused.
 * Without a scope (a list, or a kind-wide question) a limited allow counts: the list is filtered instead.
 */
export function decide(
  p: Principal,
  kind: ResourceKind,
  action: AuthzAction,
  scope?: ResourceScope,
): boolean {
  if (p.role === 'owner' || p.role === 'admin') return true;
  if (p.role === 'viewer' && action !== 'read') return false;
  if (!governedByPolicies(p)) return roleAllows(p.role, kind, action);
  const rules = relevantPolicies(p, kind, action);
  // Creating what has no cloud yet (a cloud, a key, a script): only an unlimited grant can cover it.
  if (!scope && action === 'create' && !CLOUD_SCOPED_KINDS.includes(kind)) scope = { cloudId: null };
  if (!scope) {
    if (rules.some((r) => r.effect === 'deny' && !isScoped(r))) return false;
    return rules.some((r) => r.effect === 'allow');
  }
  if (rules.some((r) => r.effect === 'deny' && matches(r, scope))) return false;
  return rules.some((r) => r.effect === 'allow' && matches(r, scope));
}

/** Whether deciding for one resource needs its cloud and tags (so the loader can skip the query). */
export function needsScope(p: Principal, kind: ResourceKind, action: AuthzAction): boolean {
  if (!governedByPolicies(p) || (p.role === 'viewer' && action !== 'read')) return false;
  return relevantPolicies(p, kind, action).some(isScoped);
}

/** Parses the JSON the session query aggregates; anything malformed is dropped rather than trusted. */
export function parsePolicies(raw: unknown): Policy[] {
  if (!Array.isArray(raw)) return [];
  const out: Policy[] = [];
  for (const r of raw as (Record<string, unknown> | null)[]) {
    if (!r || typeof r !== 'object' || (r.effect !== 'allow' && r.effect !== 'deny')) continue;
    const action = String(r.action);
    const kind = String(r.kind);
    if (action !== '*' && !isAuthzAction(action)) continue;
    if (kind !== '*' && !isResourceKind(kind)) continue;
    out.push({
      effect: r.effect,
      action: action as PolicyAction,
      kind: kind as PolicyKind,
      cloudIds: Array.isArray(r.cloudIds) ? r.cloudIds.map(String) : [],
      tags:
        r.tags && typeof r.tags === 'object' && !Array.isArray(r.tags)
          ? Object.fromEntries(
              Object.entries(r.tags as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
            )
          : {},
    });
  }
  return out;
}

/**
 * SQL that loads a user's policies in an organization, for embedding in the session and token
 * queries, so authorization costs no extra round trip. `$user` and `$org` are SQL expressions.
 */
export const policiesSubquery = (user: string, org: string) => `(
  SELECT coalesce(json_agg(json_build_object('effect', p.effect, 'action', p.action, 'kind', p.resource_kind,
                                             'cloudIds', p.cloud_ids, 'tags', p.tags)), '[]'::json)
  FROM team_policies p JOIN team_members tm ON tm.team_id = p.team_id AND tm.user_id = ${user}
  WHERE p.organization_id = ${org})`;

/** Kind-wide permissions, for the UI to hide what the caller may never use (the API refuses anyway). */
export function permissionsOf(p: Principal): Record<ResourceKind, AuthzAction[]> {
  return Object.fromEntries(
    RESOURCE_KINDS.map((kind) => [kind, AUTHZ_ACTIONS.filter((action) => decide(p, kind, action))]),
  ) as Record<ResourceKind, AuthzAction[]>;
}
