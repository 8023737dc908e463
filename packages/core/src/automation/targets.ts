import type { TargetSelector } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../authz';
import { DomainError } from '../errors';
import { machineTagCondition } from '../machines/tag-match';

export interface TargetMachine {
  id: string;
  name: string;
  cloudId: string;
  state: string;
}

const EMPTY_MESSAGE = 'Pick machines: give machineIds, tags or cloudIds.';

/** True when the selector names nothing at all. */
export function isEmptySelector(t: TargetSelector): boolean {
  return !t.machineIds?.length && !t.cloudIds?.length && Object.keys(t.tags ?? {}).length === 0;
}

export function checkSelector(t: TargetSelector): void {
  if (isEmptySelector(t)) throw new DomainError('invalid', 'no_targets', EMPTY_MESSAGE);
}

/**
 * The organization's machines a selector picks, now: listed by id, in one of the clouds, or
 * carrying every given tag (Overcast or provider tag; an empty value matches any value).
 * Machines the provider no longer lists (terminated, missing) are left out. Ids of other
 * organizations simply match nothing.
 */
export async function resolveTargets(
  db: Database,
  organizationId: string,
  selector: TargetSelector,
  /** A caller under team policies only reaches the machines they may see. */
  caller?: Principal,
): Promise<TargetMachine[]> {
  checkSelector(selector);
  const params: unknown[] = [organizationId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const visible = caller ? policyFilter({ ...caller, organizationId }, 'machines', 'read', 'm', p) : null;
  const any: string[] = [];
  if (selector.machineIds?.length) any.push(`m.id = ANY(${p(selector.machineIds)}::uuid[])`);
  if (selector.cloudIds?.length) any.push(`m.cloud_id = ANY(${p(selector.cloudIds)}::uuid[])`);
  const tags = Object.entries(selector.tags ?? {});
  if (tags.length) {
    const all = tags.map(([key, value]) => machineTagCondition(key, value, p));
    any.push(`(${all.join(' AND ')})`);
  }
  const { rows } = await db.pool.query<{ id: string; name: string; cloud_id: string; state: string }>(
    `SELECT m.id, m.name, m.cloud_id, m.state::text AS state FROM machines m
      WHERE m.organization_id = $1 AND m.state NOT IN ('terminated', 'missing') AND (${any.join(' OR ')})${visible ? ` AND ${visible}` : ''}
      ORDER BY m.name, m.id`,
    params,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, cloudId: r.cloud_id, state: r.state }));
}
