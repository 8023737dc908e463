import type { MachineActionRequest } from '@overcast/contracts';
import type { Database, Role } from '@overcast/db';
import { DomainError } from '../errors';
import type { AuthzAction } from './kinds';
import {
  decide,
  governedByPolicies,
  type Principal,
  parsePolicies,
  policiesSubquery,
  type ResourceScope,
} from './policy';
import { tagsExpression } from './resources';

/**
 * Who an action on a machine is done for. `principal: null` is the platform itself (a row made
 * by no person, such as one written by a command-line tool): there is no one to check.
 */
export interface OnBehalfOf {
  label: string;
  principal: Principal | null;
}

/** The rights that reach a machine, and what each lets a person do there (for refusals). */
export type MachineRight = Extract<AuthzAction, 'act' | 'delete' | 'edit' | 'run' | 'shell'>;

export const MACHINE_RIGHT_WORDS: Record<MachineRight | 'read', string> = {
  read: 'see',
  act: 'start, stop or reboot',
  delete: 'destroy',
  edit: 'change',
  run: 'run scripts on',
  shell: 'open a shell on',
};

/** Destroying is deleting and renaming is editing, so policies can tell them from start/stop. */
export function rightForMachineAction(action: MachineActionRequest['action']): MachineRight {
  return action === 'destroy' ? 'delete' : action === 'rename' ? 'edit' : 'act';
}

/** The words kept where a machine was skipped: they start with "not allowed" so people can find them. */
export const notAllowedReason = (who: string, right: MachineRight, machine = 'this machine') =>
  `not allowed: ${who} may not ${MACHINE_RIGHT_WORDS[right]} ${machine}`;

/**
 * A person's role and team policies in an organization as they are now, for automation that acts
 * for them later (a schedule, a rule, an expiration, a queued script run). Null when they are no
 * longer a member.
 */
export async function principalOf(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<(Principal & { email: string }) | null> {
  const { rows } = await db.pool.query<{ role: Role; email: string; policies: unknown }>(
    `SELECT m.role, u.email, ${policiesSubquery('m.user_id', 'm.organization_id')} AS policies
       FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = $1 AND m.user_id = $2`,
    [organizationId, userId],
  );
  const row = rows[0];
  return row ? { role: row.role, email: row.email, policies: parsePolicies(row.policies) } : null;
}

/** Who a stored automation acts for: the person by id (null if they left), or the platform. */
export async function onBehalfOf(
  db: Database,
  organizationId: string,
  userId: string | null,
): Promise<OnBehalfOf | { left: true }> {
  if (!userId) return { label: 'the platform', principal: null };
  const p = await principalOf(db, organizationId, userId);
  return p ? { label: p.email, principal: p } : { left: true };
}

/** The cloud and effective tags of each machine, in one query (only asked for when policies need it). */
async function machineScopes(
  db: Database,
  organizationId: string,
  ids: string[],
): Promise<Map<string, ResourceScope>> {
  const { rows } = await db.pool.query<{ id: string; cloud_id: string; tags: Record<string, unknown> }>(
    `SELECT m.id, m.cloud_id, ${tagsExpression('machines', 'm')} AS tags
       FROM machines m WHERE m.organization_id = $1 AND m.id = ANY($2::uuid[])`,
    [organizationId, ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        cloudId: r.cloud_id,
        tags: Object.fromEntries(
          Object.entries(r.tags ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ),
      },
    ]),
  );
}

/**
 * The one check every path to a machine makes when it runs: may this person do `right` on each of
 * these machines, by their role and their teams' policies as they are now? Returns the ids allowed.
 */
export async function machinesAllowed(
  db: Database,
  organizationId: string,
  principal: Principal | null,
  machineIds: string[],
  right: MachineRight,
): Promise<Set<string>> {
  if (!principal || machineIds.length === 0) return new Set(machineIds);
  if (!governedByPolicies(principal)) {
    return decide(principal, 'machines', right, { cloudId: null, tags: {} })
      ? new Set(machineIds)
      : new Set();
  }
  const scopes = await machineScopes(db, organizationId, machineIds);
  return new Set(
    machineIds.filter((id) => {
      const scope = scopes.get(id);
      return scope !== undefined && decide(principal, 'machines', right, scope);
    }),
  );
}

/** The same check for one machine, refusing with a 403 that names the person and the right. */
export async function authorizeMachineAction(
  db: Database,
  organizationId: string,
  who: OnBehalfOf,
  machine: { id: string; name: string },
  right: MachineRight,
): Promise<void> {
  const allowed = await machinesAllowed(db, organizationId, who.principal, [machine.id], right);
  if (!allowed.has(machine.id)) {
    const reason = notAllowedReason(who.label, right, machine.name);
    throw new DomainError('forbidden', 'not_allowed', `${reason[0]!.toUpperCase()}${reason.slice(1)}.`);
  }
}

/**
 * The machine rights a person holds on one machine with the given tags (in its cloud): what a tag
 * change is compared on, before and after.
 */
export function machineRightsWith(principal: Principal, scope: ResourceScope): Set<MachineRight | 'read'> {
  const rights: (MachineRight | 'read')[] = ['read', 'act', 'delete', 'edit', 'run', 'shell'];
  return new Set(rights.filter((r) => decide(principal, 'machines', r, scope)));
}
