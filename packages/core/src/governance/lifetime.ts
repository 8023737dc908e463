import type { Database } from '@overcast/db';
import type { Actor } from '../actor';
import { DomainError } from '../errors';
import { scopesOf } from './check';

/**
 * Holds a change of a machine's expiration to the longest life that applies to the person making
 * it: no later than that far from now, and not cleared while a longest life is set.
 */
export async function checkExpirationChange(
  db: Database,
  actor: Actor & { organizationId: string },
  expiresAt: string | null,
  now = new Date(),
): Promise<void> {
  const bound = (await scopesOf(db, db.pool, actor))
    .filter((s) => s.limits.maxLifetimeHours !== null)
    .sort((a, b) => (a.limits.maxLifetimeHours ?? 0) - (b.limits.maxLifetimeHours ?? 0))[0];
  if (!bound) return;
  const hours = bound.limits.maxLifetimeHours as number;
  const latest = new Date(now.getTime() + hours * 3_600_000);
  if (expiresAt === null)
    throw new DomainError(
      'invalid',
      'constraint_violated',
      `${bound.name} lets a machine live at most ${hours} hours, so its expiration cannot be cleared; set one on or before ${latest.toISOString()}.`,
    );
  if (new Date(expiresAt) > latest)
    throw new DomainError(
      'invalid',
      'constraint_violated',
      `${bound.name} lets a machine live at most ${hours} hours; choose an expiration on or before ${latest.toISOString()}.`,
      'body.expiresAt',
    );
}
