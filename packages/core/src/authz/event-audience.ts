import type { Database } from '@overcast/db';
import { DomainError } from '../errors';
import type { ResourceKind } from './kinds';
import { decide, needsScope, type Principal, type ResourceScope } from './policy';
import { resourceScope, resourceScopes } from './resources';

/** A stream event as far as deciding its readers goes (the fields vary with the type). */
export interface AudienceEvent {
  type?: string;
  cloudId?: string;
  machineId?: string;
  kind?: string;
  runId?: string;
  scriptId?: string;
  scheduleId?: string;
  stackId?: string;
  templateId?: string;
  change?: string;
  ruleId?: string;
}

interface RunFacts {
  scriptId: string;
  machineIds: string[];
}

interface Cached<T> {
  value: Promise<T>;
  at: number;
}

/**
 * One organization's resource scopes (cloud and tags) and script-run facts, kept for the event
 * stream so deciding who may receive an event costs a lookup, not a query per reader. Machine and
 * cloud scopes are refreshed by the events that announce their change (see `eventAudience`); the
 * rest expire after `ttlMs` (scripts, schedules and rules carry no tags anyone can change today).
 */
export class ReadScopes {
  private readonly scopes = new Map<string, Cached<ResourceScope | null>>();
  private readonly runs = new Map<string, Cached<RunFacts | null>>();

  constructor(
    private readonly db: Database,
    readonly organizationId: string,
    private readonly options: { maxEntries: number; ttlMs: number } = { maxEntries: 10_000, ttlMs: 60_000 },
  ) {}

  scope(kind: ResourceKind, id: string): Promise<ResourceScope | null> {
    // Only "gone" is an answer to keep; any other failure is not cached, and the batch is skipped.
    return this.cached(this.scopes, `${kind}:${id}`, () =>
      resourceScope(this.db, this.organizationId, kind, id).catch((err) => {
        if (err instanceof DomainError && err.kind === 'not_found') return null;
        throw err;
      }),
    );
  }

  run(runId: string): Promise<RunFacts | null> {
    // A run's script and machines are fixed when it starts.
    return this.cached(this.runs, runId, async () => {
      const run = await this.db.prisma.scriptRun.findFirst({
        where: { id: runId, organizationId: this.organizationId },
        select: { scriptId: true, targets: { select: { machineId: true } } },
      });
      return run ? { scriptId: run.scriptId, machineIds: run.targets.map((t) => t.machineId) } : null;
    });
  }

  /** Reads these resources' scopes afresh, in one query. */
  async refresh(kind: ResourceKind, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const found = await resourceScopes(this.db, this.organizationId, kind, unique);
    for (const id of unique) {
      const key = `${kind}:${id}`;
      this.scopes.delete(key);
      this.scopes.set(key, { value: Promise.resolve(found.get(id) ?? null), at: Date.now() });
    }
    while (this.scopes.size > this.options.maxEntries) this.scopes.delete(this.scopes.keys().next().value!);
  }

  /** Drops one resource's scope, or every scope of a kind. */
  forget(kind: ResourceKind, id?: string): void {
    if (id) this.scopes.delete(`${kind}:${id}`);
    else for (const key of this.scopes.keys()) if (key.startsWith(`${kind}:`)) this.scopes.delete(key);
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < this.options.ttlMs) return hit.value;
    const value = load();
    map.delete(key);
    map.set(key, { value, at: Date.now() });
    // Maps iterate in insertion order: the first key is the oldest.
    if (map.size > this.options.maxEntries) map.delete(map.keys().next().value!);
    // A failed load is not kept.
    value.catch(() => map.delete(key));
    return value;
  }
}

/** Who may receive an event: decided per reader in memory, from facts loaded once per event. */
export type Audience = (reader: Principal) => boolean;

const nobody: Audience = () => false;

/**
 * The readers of each of a batch of events, in order. What the events say changed is read afresh
 * first, in one query per kind: a machine event's machine (its tags or cloud may be what changed),
 * a cloud event's cloud, a template event's template; an inventory summary (many machines at once)
 * drops every machine scope.
 */
export async function eventAudiences(scopes: ReadScopes, events: AudienceEvent[]): Promise<Audience[]> {
  const machines: string[] = [];
  const clouds: string[] = [];
  const templates: string[] = [];
  for (const e of events) {
    if (e.type === 'machine.changed' && e.machineId) machines.push(e.machineId);
    else if (e.type === 'cloud.changed' && e.cloudId) clouds.push(e.cloudId);
    else if (e.type === 'template.changed' && e.templateId) templates.push(e.templateId);
    else if (e.type === 'inventory.changed') scopes.forget('machines');
  }
  await Promise.all([
    scopes.refresh('machines', machines),
    scopes.refresh('clouds', clouds),
    scopes.refresh('templates', templates),
  ]);
  const out: Audience[] = [];
  for (const e of events) out.push(await eventAudience(scopes, e));
  return out;
}

/**
 * The readers of a stream event (whose subjects `eventAudiences` has refreshed), by the same rules as the resources it is about: machine events
 * reach those who may read the machine; cloud and inventory events those who may read the cloud;
 * script output those who may read both the script and the machine; a run's status those who may
 * read the script and at least one machine it ran on; schedule runs those who may read the
 * schedule; stack and template changes those who may read the stack or template; incidents those
 * who may read the rule and the machine, if it names one. Anything else (notices, which name no
 * resource) reaches no policy-limited reader.
 */
async function eventAudience(scopes: ReadScopes, event: AudienceEvent): Promise<Audience> {
  const reads = (kind: ResourceKind, scope: ResourceScope | null) => (p: Principal) =>
    scope !== null && decide(p, kind, 'read', scope);
  switch (event.type) {
    case 'machine.changed': {
      if (!event.machineId) return nobody;
      const scope = (await scopes.scope('machines', event.machineId)) ?? {
        cloudId: event.cloudId ?? null,
        tags: {},
      };
      return reads('machines', scope);
    }
    case 'inventory.changed':
    case 'cloud.changed': {
      if (!event.cloudId) return nobody;
      return reads('clouds', await scopes.scope('clouds', event.cloudId));
    }
    case 'script.output':
    case 'script.target': {
      if (!event.runId || !event.machineId) return nobody;
      const run = await scopes.run(event.runId);
      if (!run) return nobody;
      const [script, machine] = await Promise.all([
        scopes.scope('scripts', run.scriptId),
        scopes.scope('machines', event.machineId),
      ]);
      return (p) => reads('scripts', script)(p) && reads('machines', machine)(p);
    }
    case 'script.run': {
      if (!event.runId) return nobody;
      const run = await scopes.run(event.runId);
      if (!run) return nobody;
      const [script, ...machines] = await Promise.all([
        scopes.scope('scripts', run.scriptId),
        ...run.machineIds.map((id) => scopes.scope('machines', id)),
      ]);
      return (p) => reads('scripts', script)(p) && machines.some((m) => reads('machines', m)(p));
    }
    case 'schedule.run': {
      if (!event.scheduleId) return nobody;
      return reads('schedules', await scopes.scope('schedules', event.scheduleId));
    }
    case 'incident.changed': {
      if (!event.ruleId) return nobody;
      const [rule, machine] = await Promise.all([
        scopes.scope('rules', event.ruleId),
        event.machineId ? scopes.scope('machines', event.machineId) : null,
      ]);
      return (p) => reads('rules', rule)(p) && (!event.machineId || reads('machines', machine)(p));
    }
    case 'stack.changed': {
      if (!event.stackId) return nobody;
      return reads('stacks', await scopes.scope('stacks', event.stackId));
    }
    case 'template.changed': {
      if (!event.templateId) return nobody;
      const scope = await scopes.scope('templates', event.templateId);
      // A deleted template's tags went with it: the news reaches only those whose reading of
      // templates depends on no tag or cloud (a limited reader's page drops it at its next read).
      if (scope === null && event.change === 'deleted')
        return (p) => !needsScope(p, 'templates', 'read') && decide(p, 'templates', 'read');
      return reads('templates', scope);
    }
    default:
      return nobody;
  }
}
