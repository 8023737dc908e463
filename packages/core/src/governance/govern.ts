import type { SetExpirationRequest } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Actor } from '../actor';
import { recordAudit } from '../audit';
import { type Creation, evaluateCreation } from './check';
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
): Promise<T> {
  const any = await runtime.db.prisma.governanceLimits.count({
    where: { organizationId: actor.organizationId },
  });
  if (!any) return create({ expiration: null });
  return withGovernanceLock(runtime.db, actor.organizationId, async (sql) => {
    const verdict = await evaluateCreation(runtime.db, sql, actor, creation);
    if (verdict.refusal) {
      await recordAudit(runtime.db, actor, {
        action: 'machine.create',
        resourceKind: 'cloud',
        resourceId: creation.cloud.id,
        result: 'denied',
        details: { reason: verdict.refusal.message, size: creation.size, location: creation.location },
      });
      throw verdict.refusal;
    }
    return create({ expiration: verdict.expiration });
  });
}
