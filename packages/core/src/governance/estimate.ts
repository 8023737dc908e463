import type { EstimateMachineRequest, MachineEstimate } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Actor } from '../actor';
import { repos } from '../repositories';
import { evaluateCreations, type Scope, type Verdicts } from './check';
import { fromCents, toCents } from './money';

/**
 * What the create form shows as you choose: the machine's estimated monthly cost, what remains
 * of each budget that applies to you after it, and the refusal creating it would meet now.
 */
export async function estimateMachine(
  db: Database,
  actor: Actor & { organizationId: string },
  cloudId: string,
  req: EstimateMachineRequest,
): Promise<MachineEstimate> {
  const cloud = await repos(db).clouds.getInOrg(actor.organizationId, cloudId);
  const verdict = await evaluateCreations(db, db.pool, actor, [
    {
      cloud,
      kind: 'machine',
      size: req.size,
      location: req.location ?? null,
      image: req.image ?? null,
      tags: req.tags ?? {},
      expiresAt: null,
      count: 1,
    },
  ]);
  const estimate = verdict.estimates[0]!;
  return {
    monthly: estimate.cents === null ? null : fromCents(estimate.cents),
    vcpus: estimate.vcpus,
    budgets: budgetLines(verdict.scopes, estimate.cents ?? 0),
    // Only what the chosen size, place and image decide: tags and expiration are still to come.
    refusal:
      verdict.refusal && !/^body\.(tags|expiration)/.test(verdict.refusal.field ?? '')
        ? verdict.refusal.message
        : null,
    needsApproval: goesToApproval(verdict),
  };
}

/** Over a budget whose limits send the request to an admin for approval instead of refusing it. */
export const goesToApproval = (verdict: Verdicts): boolean =>
  verdict.quota?.kind === 'budget' && verdict.quota.scope.limits.overBudget === 'approval';

/** Each budget that applies: its amount, what is used, and what remains once `addingCents` more a month is spent. */
export function budgetLines(scopes: Scope[], addingCents: number) {
  return scopes
    .filter((s) => s.limits.monthlyBudget !== null)
    .map((s) => {
      const budget = toCents(s.limits.monthlyBudget as string);
      return {
        name: s.name,
        budget: fromCents(budget),
        used: fromCents(s.usage.monthlyCents),
        remaining: fromCents(budget - s.usage.monthlyCents - addingCents),
      };
    });
}
