import type { Database } from '@overcast/db';
import { DomainError, notFound } from '../errors';
import { type AuthzAction, KIND_NOUN, type ResourceKind } from './kinds';
import { decide, needsScope, type Principal, type ResourceScope } from './policy';

interface KindTable {
  table: string;
  /** The column naming the resource's cloud; for clouds, their own id. */
  cloudColumn: string | null;
  providerTags: boolean;
  /** `tags.resource_kind` of Overcast tags on this kind. */
  tagKind: string;
}

/** Where each kind lives. Tables for scripts, schedules and rules come with those features. */
export const KIND_TABLES: Record<ResourceKind, KindTable> = {
  clouds: { table: 'clouds', cloudColumn: 'id', providerTags: false, tagKind: 'cloud' },
  machines: { table: 'machines', cloudColumn: 'cloud_id', providerTags: true, tagKind: 'machine' },
  volumes: { table: 'volumes', cloudColumn: 'cloud_id', providerTags: true, tagKind: 'volume' },
  networks: { table: 'networks', cloudColumn: 'cloud_id', providerTags: true, tagKind: 'network' },
  keys: { table: 'ssh_keys', cloudColumn: null, providerTags: false, tagKind: 'ssh_key' },
  scripts: { table: 'scripts', cloudColumn: null, providerTags: false, tagKind: 'script' },
  schedules: { table: 'schedules', cloudColumn: null, providerTags: false, tagKind: 'schedule' },
  rules: { table: 'rules', cloudColumn: null, providerTags: false, tagKind: 'rule' },
  templates: { table: 'templates', cloudColumn: null, providerTags: false, tagKind: 'template' },
  stacks: { table: 'stacks', cloudColumn: null, providerTags: false, tagKind: 'stack' },
};

/** The resource's effective tags as SQL: provider tags overlaid with Overcast tags, like the views show. */
export function tagsExpression(kind: ResourceKind, alias: string): string {
  const t = KIND_TABLES[kind];
  const own = `coalesce((SELECT jsonb_object_agg(t.key, t.value) FROM tags t
    WHERE t.resource_kind = '${t.tagKind}' AND t.resource_id = ${alias}.id), '{}'::jsonb)`;
  return t.providerTags ? `(coalesce(${alias}.provider_tags, '{}'::jsonb) || ${own})` : own;
}

/** The cloud and tags of one resource of the organization; 404 when it is not one of theirs. */
export async function resourceScope(
  db: Database,
  organizationId: string,
  kind: ResourceKind,
  id: string,
): Promise<ResourceScope> {
  const t = KIND_TABLES[kind];
  const { rows } = await db.pool.query<{ cloud_id: string | null; tags: Record<string, unknown> }>(
    `SELECT ${t.cloudColumn ? `r.${t.cloudColumn}` : 'NULL'}::text AS cloud_id, ${tagsExpression(kind, 'r')} AS tags
     FROM ${t.table} r WHERE r.id = $1 AND r.organization_id = $2`,
    [id, organizationId],
  );
  const row = rows[0];
  if (!row) throw notFound(KIND_NOUN[kind]);
  return scopeOf(row);
}

const scopeOf = (row: { cloud_id: string | null; tags: Record<string, unknown> }): ResourceScope => ({
  cloudId: row.cloud_id,
  tags: Object.fromEntries(
    Object.entries(row.tags ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ),
});

/** The cloud and tags of many resources of the organization in one query; unknown ids are left out. */
export async function resourceScopes(
  db: Database,
  organizationId: string,
  kind: ResourceKind,
  ids: string[],
): Promise<Map<string, ResourceScope>> {
  const t = KIND_TABLES[kind];
  const { rows } = await db.pool.query<{
    id: string;
    cloud_id: string | null;
    tags: Record<string, unknown>;
  }>(
    `SELECT r.id::text AS id, ${t.cloudColumn ? `r.${t.cloudColumn}` : 'NULL'}::text AS cloud_id,
            ${tagsExpression(kind, 'r')} AS tags
     FROM ${t.table} r WHERE r.id = ANY($1::uuid[]) AND r.organization_id = $2`,
    [ids, organizationId],
  );
  return new Map(rows.map((r) => [r.id, scopeOf(r)]));
}

/**
 * Whether the principal may do `action` on one resource of the organization, decided like a request
 * for it (its cloud and tags loaded only when a limited policy needs them). False when it is gone.
 */
export async function mayDo(
  db: Database,
  organizationId: string,
  principal: Principal,
  kind: ResourceKind,
  action: AuthzAction,
  id: string,
): Promise<boolean> {
  let scope: ResourceScope | undefined;
  try {
    scope = await resourceScope(db, organizationId, kind, id);
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'not_found') return false;
    throw err;
  }
  return decide(principal, kind, action, needsScope(principal, kind, action) ? scope : undefined);
}
