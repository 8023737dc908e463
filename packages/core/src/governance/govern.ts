import type { SetExpirationRequest } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Actor } from '../actor';
import { recordAudit } from '../audit';
import type { DomainError } from '../errors';
import { type Change, evaluateChange } from './change';
import { type Creation, type EvaluateOptions, evaluateCreations, type Verdicts } from './check';
import { withGovernanceLock } from './lock';

/**
 * The one gate every creation goes through (machines from the form, the API and stacks, and
 * containers): under the organization's governance lock it checks the limits, refuses before
 * anything is created, and otherwise runs `create` with the defaults the constraints fill in.
 * The lock is held until `create` returns, so the machine it stores counts for the next request.
 */
export async function governCreation<T>(
  runtime: { db: Database },
  actor: Actor & { organizationId: string },
  creation: Creation,
  create: (filled: { expiration: SetExpirationRequest | null }) => Promise<T>,
  options: Pick<EvaluateOptions, 'skipQuotas'> & {
    onRefusal?: (verdict: Verdicts) => Promise<T | undefined>;
  } = {},
): Promise<T> {
  return governCreations(
    runtime,
    actor,
    [creation],
    {
      action: 'machine.create',
      resourceKind: 'cloud',
      resourceId: creation.cloud.id,
      details: { size: creation.size, location: creation.location },
    },
    (v) => create({ expiration: v?.expiration(creation) ?? null }),
    options,
  );
}

/** How a refusal is audited: the action refused and what it was about. */
export interface RefusalAudit {
  action: string;
  resourceKind: string;
  resourceId: string;
  details: Record<string, unknown>;
}

/**
 * Several creations asked for at once (a stack's machines) held to the limits as one request:
 * refused whole, or `create` runs under the lock with the verdict (null when the organization
 * has no limits). `onRefusal` may take a quota refusal over (to save the request for approval);
 * what it returns is returned instead of throwing.
 */
export async function governCreations<T>(
  runtime: { db: Database },
  actor: Actor & { organizationId: string },
  creations: Creation[],
  audit: RefusalAudit,
  create: (verdict: Verdicts | null) => Promise<T>,
  options: EvaluateOptions & { onRefusal?: (verdict: Verdicts) => Promise<T | undefined> } = {},
): Promise<T> {
  const any = await runtime.db.prisma.governanceLimits.count({
    where: { organizationId: actor.organizationId },
  });
  if (!any) return create(null);
  return withGovernanceLock(runtime.db, actor.organizationId, async (sql) => {
    const verdict = await evaluateCreations(runtime.db, sql, actor, creations, options);
    if (verdict.refusal) {
      const taken = options.onRefusal ? await options.onRefusal(verdict) : undefined;
      if (taken !== undefined) return taken;
      throw await deniedAndAudited(runtime.db, actor, audit, verdict.refusal);
    }
    return create(verdict);
  });
}

/**
 * The gate a change to a machine goes through (a resize; a start, from a request, a schedule or
 * a rule): under the governance lock, refused when it would take a scope over a limit (see
 * `evaluateChange`), otherwise `apply` runs while the lock is held.
 */
export async function governChange<T>(
  runtime: { db: Database },
  actor: Actor & { organizationId: string },
  change: Change,
  audit: RefusalAudit,
  apply: () => Promise<T>,
): Promise<T> {
  const any = await runtime.db.prisma.governanceLimits.count({
    where: { organizationId: actor.organizationId },
  });
  if (!any) return apply();
  return withGovernanceLock(runtime.db, actor.organizationId, async (sql) => {
    const refusal = await evaluateChange(runtime.db, sql, actor, change);
    if (refusal) throw await deniedAndAudited(runtime.db, actor, audit, refusal);
    return apply();
  });
}

/** Records a refusal in the audit log as denied, with its reason; returns it to throw. */
async function deniedAndAudited(
  db: Database,
  actor: Actor & { organizationId: string },
  audit: RefusalAudit,
  refusal: DomainError,
): Promise<DomainError> {
  await recordAudit(db, actor, {
    action: audit.action,
    resourceKind: audit.resourceKind,
    resourceId: audit.resourceId,
    result: 'denied',
    details: { reason: refusal.message, ...audit.details },
  });
  return refusal;
}
