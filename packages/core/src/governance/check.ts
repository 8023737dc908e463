import type { Limits, ProviderKind, SetExpirationRequest } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Actor } from '../actor';
import { machineCost } from '../cost';
import { DomainError } from '../errors';
import { limitsView } from './limits';
import { dollars, toCents } from './money';
import { type ScopeUsage, type Sql, scopeUsage } from './usage';

/** What is about to be created, as the checks see it. */
export interface Creation {
  cloud: { id: string; title: string; provider: string; costOverrideMonthly: { toString(): string } | null };
  /** Containers have no size: they count as machines, with no vCPUs or price of their own. */
  kind: 'machine' | 'container';
  size: string | null;
  location: string | null;
  image: string | null;
  tags: Record<string, string>;
  expiresAt: string | null;
  count: number;
}

export interface Estimate {
  /** Monthly cost of one, in cents; null when no price is known. */
  cents: number | null;
  vcpus: number | null;
  unknownReason: string | null;
}

export interface Scope {
  /** "Team Web", "The organization": how messages name it. */
  name: string;
  teamId: string | null;
  limits: Limits;
  usage: ScopeUsage;
}

/** The price and vCPUs of one new machine: the cost module's price, else the cloud's size list. */
export async function estimateCreation(db: Database, organizationId: string, c: Creation): Promise<Estimate> {
  if (c.kind === 'container') return { cents: 0, vcpus: 0, unknownReason: null };
  const size = c.size
    ? await db.prisma.size.findFirst({
        where: { organizationId, cloudId: c.cloud.id, externalId: c.size },
        select: { cpus: true, priceMonthly: true, priceHourly: true },
      })
    : null;
  const cost = machineCost({
    provider: c.cloud.provider as ProviderKind,
    size: c.size,
    location: c.location,
    state: 'running',
    tags: c.tags,
    cloudOverrideMonthly: c.cloud.costOverrideMonthly?.toString() ?? null,
    providerMonthly: size?.priceMonthly
      ? { amount: size.priceMonthly.toString(), currency: 'USD' }
      : undefined,
    providerHourly: size?.priceHourly ? { amount: size.priceHourly.toString(), currency: 'USD' } : undefined,
  });
  return {
    cents: cost.monthly === null ? null : toCents(cost.monthly),
    vcpus: size?.cpus ?? null,
    unknownReason: cost.unknownReason,
  };
}

/** The organization's limits and those of every team the actor belongs to, with their usage. */
export async function scopesOf(
  db: Database,
  sql: Sql,
  actor: Actor & { organizationId: string },
): Promise<Scope[]> {
  return scopesOfUsers(db, sql, actor.organizationId, actor.userId ? [actor.userId] : []);
}

/** The organization's limits and those of every team any of `userIds` belongs to, with their usage. */
export async function scopesOfUsers(
  db: Database,
  sql: Sql,
  organizationId: string,
  userIds: string[],
): Promise<Scope[]> {
  const teams = userIds.length
    ? await db.prisma.team.findMany({
        where: { organizationId, members: { some: { userId: { in: userIds } } } },
        select: { id: true, name: true },
        orderBy: { name: 'asc' },
      })
    : [];
  const rows = await db.prisma.governanceLimits.findMany({
    where: { organizationId, OR: [{ teamId: null }, { teamId: { in: teams.map((t) => t.id) } }] },
  });
  const named = [
    { id: null, name: 'The organization' },
    ...teams.map((t) => ({ id: t.id, name: `Team ${t.name}` })),
  ];
  const scopes: Scope[] = [];
  for (const { id, name } of named) {
    const row = rows.find((r) => r.teamId === id);
    if (!row) continue;
    scopes.push({
      name,
      teamId: id,
      limits: limitsView(row),
      usage: await scopeUsage(sql, organizationId, id),
    });
  }
  return scopes;
}

export const refuse = (message: string, field?: string) =>
  new DomainError('invalid', 'constraint_violated', message, field);
export const overLimit = (message: string) => new DomainError('conflict', 'quota_exceeded', message);
export const possessive = (name: string) => `${name}'s`;
const listed = (values: string[]) => values.join(', ');
export const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
export const ASK = 'or ask an admin to raise the limit';

/** A scope's allowed sizes, when `size` is not one of them. */
export function sizeRefusal(s: Scope, size: string | null): DomainError | null {
  const allowed = s.limits.allowedSizes;
  if (!allowed.length || allowed.includes(size ?? '')) return null;
  return refuse(`${s.name} allows only the sizes ${listed(allowed)}; choose one of them.`, 'body.size');
}

/** The constraints of one scope: the first one the creation breaks, or null. */
function constraintRefusal(
  s: Scope,
  c: Creation,
  cloudTitles: Map<string, string>,
  now: Date,
): DomainError | null {
  const { limits } = s;
  if (limits.allowedCloudIds.length && !limits.allowedCloudIds.includes(c.cloud.id)) {
    const names = limits.allowedCloudIds.map((id) => cloudTitles.get(id) ?? id);
    return refuse(
      `${s.name} allows machines only in ${listed(names)}, not in ${c.cloud.title}; choose one of those clouds.`,
    );
  }
  if (
    c.kind === 'machine' &&
    limits.allowedLocations.length &&
    !limits.allowedLocations.includes(c.location ?? '')
  )
    return refuse(
      `${s.name} allows only the locations ${listed(limits.allowedLocations)}; choose one of them.`,
      'body.location',
    );
  const size = c.kind === 'machine' ? sizeRefusal(s, c.size) : null;
  if (size) return size;
  if (limits.allowedImages.length && !limits.allowedImages.includes(c.image ?? ''))
    return refuse(
      `${s.name} allows only the images ${listed(limits.allowedImages)}; choose one of them.`,
      'body.image',
    );
  // A container's tags are its labels.
  const tagField = c.kind === 'machine' ? 'body.tags' : 'body.labels';
  for (const [key, values] of Object.entries(limits.requiredTags)) {
    const value = c.tags[key];
    if (value === undefined)
      return refuse(
        `${s.name} requires the tag ${key}${values.length ? ` (one of: ${listed(values)})` : ''}; add it.`,
        `${tagField}.${key}`,
      );
    if (values.length && !values.includes(value))
      return refuse(
        `${s.name} allows the tag ${key} only as ${listed(values)}; "${value}" is not one of them.`,
        `${tagField}.${key}`,
      );
  }
  if (limits.maxLifetimeHours !== null && c.expiresAt !== null) {
    const latest = new Date(now.getTime() + limits.maxLifetimeHours * 3_600_000);
    if (new Date(c.expiresAt) > latest)
      return refuse(
        `${s.name} lets a machine live at most ${limits.maxLifetimeHours} hours; choose an expiration on or before ${latest.toISOString()}.`,
        'body.expiration.expiresAt',
      );
  }
  return null;
}

/** What a set of creations adds to a scope's use; null figures are unknown (a size with no price). */
interface Adding {
  machines: number;
  vcpus: number;
  cents: number;
  /** The first machine whose vCPUs, or price, is unknown: the message names it. */
  unknownVcpus: Creation | null;
  unknownPrice: { c: Creation; e: Estimate } | null;
}

function addingOf(cs: Creation[], es: Estimate[]): Adding {
  const sum: Adding = { machines: 0, vcpus: 0, cents: 0, unknownVcpus: null, unknownPrice: null };
  cs.forEach((c, i) => {
    const e = es[i] as Estimate;
    sum.machines += c.count;
    if (c.kind !== 'machine') return;
    if (e.vcpus === null) sum.unknownVcpus ??= c;
    else sum.vcpus += e.vcpus * c.count;
    if (e.cents === null) sum.unknownPrice ??= { c, e };
    else sum.cents += e.cents * c.count;
  });
  return sum;
}

/** Which quota a refusal is about: an over-budget request may go to an admin for approval. */
export type QuotaKind = 'machines' | 'vcpus' | 'budget';
export interface QuotaRefusal {
  error: DomainError;
  kind: QuotaKind;
  scope: Scope;
}

/**
 * The quotas of one scope: the first one the creations would go over, with what would fit. One
 * creation is "this one" and what fits is a size; several (a stack) are counted as one request.
 */
function quotaRefusal(
  s: Scope,
  cs: Creation[],
  es: Estimate[],
  subject: string,
  skip: Set<QuotaKind>,
): QuotaRefusal | null {
  const { limits, usage } = s;
  const add = addingOf(cs, es);
  const single = cs.length === 1 ? (cs[0] as Creation) : null;
  const machines = cs.some((c) => c.kind === 'machine');
  const refusal = (kind: QuotaKind, message: string) => ({ error: overLimit(message), kind, scope: s });
  if (
    !skip.has('machines') &&
    limits.maxMachines !== null &&
    usage.machines + add.machines > limits.maxMachines
  ) {
    const left = Math.max(0, limits.maxMachines - usage.machines);
    return refusal(
      'machines',
      `${s.name} may run at most ${plural(limits.maxMachines, 'machine')}; it runs ${usage.machines} and this would add ${add.machines}: ` +
        `${left ? `at most ${left} more fit` : 'destroy one first'}, ${ASK}.`,
    );
  }
  if (!skip.has('vcpus') && limits.maxVcpus !== null && machines) {
    if (add.unknownVcpus)
      return refusal(
        'vcpus',
        `${s.name} may use at most ${plural(limits.maxVcpus, 'vCPU')}, and the size ${add.unknownVcpus.size} has no known vCPU count; choose a listed size, ${ASK}.`,
      );
    if (usage.vcpus + add.vcpus > limits.maxVcpus) {
      const left = Math.max(0, limits.maxVcpus - usage.vcpus);
      const fits = single
        ? `choose a size of at most ${plural(Math.floor(left / single.count), 'vCPU')}`
        : `at most ${plural(left, 'vCPU')} fit`;
      return refusal(
        'vcpus',
        `${s.name} may use at most ${plural(limits.maxVcpus, 'vCPU')}; its machines use ${usage.vcpus} and ${subject} would add ${add.vcpus}: ` +
          `${left ? fits : 'free some first'}, ${ASK}.`,
      );
    }
  }
  if (!skip.has('budget') && limits.monthlyBudget !== null && machines) {
    const budget = toCents(limits.monthlyBudget);
    if (add.unknownPrice) {
      const { c, e } = add.unknownPrice;
      return refusal(
        'budget',
        `${possessive(s.name)} budget is ${dollars(budget)} a month, and the price of ${c.size} in ${c.location} is unknown (${e.unknownReason}); choose a size with a known price, ${ASK}.`,
      );
    }
    if (usage.monthlyCents + add.cents > budget) {
      const left = budget - usage.monthlyCents;
      const fits = single
        ? `choose a size of at most ${dollars(Math.floor(left / single.count))} a month`
        : `at most ${dollars(left)} a month fits`;
      return refusal(
        'budget',
        `${possessive(s.name)} budget is ${dollars(budget)} a month; its machines cost ${dollars(usage.monthlyCents)} and ${subject} would add ${dollars(add.cents)}: ` +
          `${left > 0 ? fits : 'nothing more fits until some are stopped or destroyed'}, ${ASK}.`,
      );
    }
  }
  return null;
}

/** What the checks found for several creations asked for at once (a stack's machines). */
export interface Verdicts {
  /** One per creation, in order. */
  estimates: Estimate[];
  scopes: Scope[];
  refusal: DomainError | null;
  /** Set when the refusal is a quota's: which one, and whose. */
  quota: QuotaRefusal | null;
  /** The expiration a maximum lifetime gives a machine created without one, or null. */
  expiration: (c: Creation) => SetExpirationRequest | null;
}

export interface EvaluateOptions {
  /** How messages name what is asked for: "this one" (a machine), "this stack". */
  subject?: string;
  /** Quotas an admin already approved going over (an approved request): not checked again. */
  skipQuotas?: QuotaKind[];
  now?: Date;
}

/**
 * Holds creations to the limits of the organization and of every team the actor belongs to:
 * each creation to the constraints (constraints first: they say what to change), then all of
 * them together to the quotas, so several machines asked for at once are refused whole. A
 * foreign team's limits never apply.
 */
export async function evaluateCreations(
  db: Database,
  sql: Sql,
  actor: Actor & { organizationId: string },
  cs: Creation[],
  options: EvaluateOptions = {},
): Promise<Verdicts> {
  const now = options.now ?? new Date();
  const [scopes, estimates] = await Promise.all([
    scopesOf(db, sql, actor),
    Promise.all(cs.map((c) => estimateCreation(db, actor.organizationId, c))),
  ]);
  const lifetimes = scopes.map((s) => s.limits.maxLifetimeHours).filter((h): h is number => h !== null);
  const expiration = (c: Creation): SetExpirationRequest | null =>
    c.expiresAt === null && lifetimes.length
      ? {
          expiresAt: new Date(now.getTime() + Math.min(...lifetimes) * 3_600_000).toISOString(),
          action: 'destroy',
          notifyMinutesBefore: 60,
        }
      : null;
  const cloudIds = [...new Set(scopes.flatMap((s) => s.limits.allowedCloudIds))];
  const clouds = cloudIds.length
    ? await db.prisma.cloud.findMany({
        where: { organizationId: actor.organizationId, id: { in: cloudIds } },
        select: { id: true, title: true },
      })
    : [];
  const titles = new Map(clouds.map((cl) => [cl.id, cl.title]));
  let refusal: DomainError | null = null;
  for (const c of cs) for (const s of scopes) refusal ??= constraintRefusal(s, c, titles, now);
  let quota: QuotaRefusal | null = null;
  if (!refusal) {
    const skip = new Set(options.skipQuotas ?? []);
    for (const s of scopes) quota ??= quotaRefusal(s, cs, estimates, options.subject ?? 'this one', skip);
    refusal = quota?.error ?? null;
  }
  return { estimates, scopes, refusal, quota, expiration };
}
