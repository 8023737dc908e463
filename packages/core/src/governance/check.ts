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

export interface Verdict {
  estimate: Estimate;
  scopes: Scope[];
  refusal: DomainError | null;
  /** Filled where the constraints can: an expiration when a maximum lifetime asks for one. */
  expiration: SetExpirationRequest | null;
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
  const teams = actor.userId
    ? await db.prisma.team.findMany({
        where: { organizationId: actor.organizationId, members: { some: { userId: actor.userId } } },
        select: { id: true, name: true },
        orderBy: { name: 'asc' },
      })
    : [];
  const rows = await db.prisma.governanceLimits.findMany({
    where: {
      organizationId: actor.organizationId,
      OR: [{ teamId: null }, { teamId: { in: teams.map((t) => t.id) } }],
    },
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
      usage: await scopeUsage(sql, actor.organizationId, id),
    });
  }
  return scopes;
}

const refuse = (message: string, field?: string) =>
  new DomainError('invalid', 'constraint_violated', message, field);
const overLimit = (message: string) => new DomainError('conflict', 'quota_exceeded', message);
const possessive = (name: string) => `${name}'s`;
const listed = (values: string[]) => values.join(', ');
const ASK = 'or ask an admin to raise the limit';

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
  if (c.kind === 'machine' && limits.allowedSizes.length && !limits.allowedSizes.includes(c.size ?? ''))
    return refuse(
      `${s.name} allows only the sizes ${listed(limits.allowedSizes)}; choose one of them.`,
      'body.size',
    );
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

/** The quotas of one scope: the first one the creation would go over, with what would fit. */
function quotaRefusal(s: Scope, c: Creation, e: Estimate): DomainError | null {
  const { limits, usage } = s;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (limits.maxMachines !== null && usage.machines + c.count > limits.maxMachines) {
    const left = Math.max(0, limits.maxMachines - usage.machines);
    return overLimit(
      `${s.name} may run at most ${plural(limits.maxMachines, 'machine')}; it runs ${usage.machines} and this would add ${c.count}: ` +
        `${left ? `at most ${left} more fit` : 'destroy one first'}, ${ASK}.`,
    );
  }
  if (limits.maxVcpus !== null && c.kind === 'machine') {
    if (e.vcpus === null)
      return overLimit(
        `${s.name} may use at most ${plural(limits.maxVcpus, 'vCPU')}, and the size ${c.size} has no known vCPU count; choose a listed size, ${ASK}.`,
      );
    const adding = e.vcpus * c.count;
    if (usage.vcpus + adding > limits.maxVcpus) {
      const left = Math.max(0, limits.maxVcpus - usage.vcpus);
      return overLimit(
        `${s.name} may use at most ${plural(limits.maxVcpus, 'vCPU')}; its machines use ${usage.vcpus} and this one would add ${adding}: ` +
          `${left ? `choose a size of at most ${plural(Math.floor(left / c.count), 'vCPU')}` : 'free some first'}, ${ASK}.`,
      );
    }
  }
  if (limits.monthlyBudget !== null && c.kind === 'machine') {
    const budget = toCents(limits.monthlyBudget);
    if (e.cents === null)
      return overLimit(
        `${possessive(s.name)} budget is ${dollars(budget)} a month, and the price of ${c.size} in ${c.location} is unknown (${e.unknownReason}); choose a size with a known price, ${ASK}.`,
      );
    const adding = e.cents * c.count;
    if (usage.monthlyCents + adding > budget) {
      const left = budget - usage.monthlyCents;
      return overLimit(
        `${possessive(s.name)} budget is ${dollars(budget)} a month; its machines cost ${dollars(usage.monthlyCents)} and this one would add ${dollars(adding)}: ` +
          `${left > 0 ? `choose a size of at most ${dollars(Math.floor(left / c.count))} a month` : 'nothing more fits until some are stopped or destroyed'}, ${ASK}.`,
      );
    }
  }
  return null;
}

/**
 * Holds a creation to the limits of the organization and of every team the actor belongs to:
 * the first constraint or quota it breaks (constraints first: they say what to change), and the
 * expiration a maximum lifetime gives a machine created without one. A foreign team's limits
 * never apply.
 */
export async function evaluateCreation(
  db: Database,
  sql: Sql,
  actor: Actor & { organizationId: string },
  c: Creation,
  now = new Date(),
): Promise<Verdict> {
  const [scopes, estimate] = await Promise.all([
    scopesOf(db, sql, actor),
    estimateCreation(db, actor.organizationId, c),
  ]);
  const lifetimes = scopes.map((s) => s.limits.maxLifetimeHours).filter((h): h is number => h !== null);
  const expiration: SetExpirationRequest | null =
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
  for (const s of scopes) refusal ??= constraintRefusal(s, c, titles, now);
  for (const s of scopes) refusal ??= quotaRefusal(s, c, estimate);
  return { estimate, scopes, refusal, expiration };
}
