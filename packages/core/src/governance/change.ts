import type { Database } from '@overcast/db';
import type { Actor } from '../actor';
import type { DomainError } from '../errors';
import {
  ASK,
  type Creation,
  estimateCreation,
  overLimit,
  plural,
  possessive,
  type Scope,
  scopesOfUsers,
  sizeRefusal,
} from './check';
import { dollars, toCents } from './money';
import type { Sql } from './usage';

/**
 * A change to a machine that can spend more than it does now: a resize (more vCPUs, a dearer
 * size) or a start (a stopped machine bills its running price again).
 */
export interface Change {
  verb: 'resize' | 'start';
  machine: {
    name: string;
    size: string | null;
    location: string | null;
    providerTags: unknown;
    costMonthly: { toString(): string } | null;
    createdById: string | null;
  };
  cloud: Creation['cloud'];
  /** The size after the change: the new one for a resize, the machine's own for a start. */
  size: string | null;
}

const stringTags = (tags: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((tags ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));

/**
 * Holds a change to the limits that apply to it: the allowed sizes of the organization, of the
 * actor's teams and of the machine's creator's teams; the vCPU and budget quotas of the scopes
 * whose use the machine counts in (the organization and its creator's teams: usage is counted by
 * creator). What a change adds is the difference from what the machine uses now, so a change that
 * spends less is never refused. A start whose running price is unknown is let through: the
 * machine already exists, and nothing better than today's figure could be told.
 */
export async function evaluateChange(
  db: Database,
  sql: Sql,
  actor: Actor & { organizationId: string },
  ch: Change,
): Promise<DomainError | null> {
  const org = actor.organizationId;
  const owners = ch.machine.createdById ? [ch.machine.createdById] : [];
  const acting = actor.userId && actor.userId !== ch.machine.createdById ? [actor.userId] : [];
  const [counting, actingScopes] = await Promise.all([
    scopesOfUsers(db, sql, org, owners),
    acting.length ? scopesOfUsers(db, sql, org, acting) : Promise.resolve([] as Scope[]),
  ]);
  if (ch.verb === 'resize') {
    const seen = new Set(counting.map((s) => s.teamId));
    for (const s of [...counting, ...actingScopes.filter((s) => !seen.has(s.teamId))]) {
      const refusal = sizeRefusal(s, ch.size);
      if (refusal) return refusal;
    }
  }
  const base = {
    cloud: ch.cloud,
    kind: 'machine' as const,
    location: ch.machine.location,
    image: null,
    tags: stringTags(ch.machine.providerTags),
    expiresAt: null,
    count: 1,
  };
  const [after, before] = await Promise.all([
    estimateCreation(db, org, { ...base, size: ch.size }),
    ch.verb === 'resize' ? estimateCreation(db, org, { ...base, size: ch.machine.size }) : null,
  ]);
  const subject =
    ch.verb === 'resize' ? `resizing ${ch.machine.name} to ${ch.size}` : `starting ${ch.machine.name}`;
  const nowCents = ch.machine.costMonthly === null ? 0 : toCents(ch.machine.costMonthly.toString());
  for (const s of counting) {
    const { limits, usage } = s;
    if (ch.verb === 'resize' && limits.maxVcpus !== null) {
      const had = before?.vcpus ?? 0;
      if (after.vcpus === null)
        return overLimit(
          `${s.name} may use at most ${plural(limits.maxVcpus, 'vCPU')}, and the size ${ch.size} has no known vCPU count; choose a listed size, ${ASK}.`,
        );
      const adding = after.vcpus - had;
      if (adding > 0 && usage.vcpus + adding > limits.maxVcpus) {
        const most = limits.maxVcpus - usage.vcpus + had;
        return overLimit(
          `${s.name} may use at most ${plural(limits.maxVcpus, 'vCPU')}; its machines use ${usage.vcpus} and ${subject} would add ${adding}: ` +
            `choose a size of at most ${plural(Math.max(0, most), 'vCPU')}, ${ASK}.`,
        );
      }
    }
    if (limits.monthlyBudget !== null) {
      const budget = toCents(limits.monthlyBudget);
      if (after.cents === null) {
        if (ch.verb === 'start') continue;
        return overLimit(
          `${possessive(s.name)} budget is ${dollars(budget)} a month, and the price of ${ch.size} in ${ch.machine.location} is unknown (${after.unknownReason}); choose a size with a known price, ${ASK}.`,
        );
      }
      const adding = after.cents - nowCents;
      if (adding > 0 && usage.monthlyCents + adding > budget) {
        const left = budget - usage.monthlyCents + nowCents;
        const fits =
          ch.verb === 'resize'
            ? `choose a size of at most ${dollars(Math.max(0, left))} a month`
            : 'stop or destroy another machine first';
        return overLimit(
          `${possessive(s.name)} budget is ${dollars(budget)} a month; its machines cost ${dollars(usage.monthlyCents)} and ${subject} would add ${dollars(adding)}: ${fits}, ${ASK}.`,
        );
      }
    }
  }
  return null;
}
