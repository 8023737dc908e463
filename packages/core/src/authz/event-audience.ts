import type { Database } from '@overcast/db';
import type { ResourceKind } from './kinds';
import { decide, type Principal, type ResourceScope } from './policy';
import { resourceScope } from './resources';

/** A stream event as far as deciding its readers goes (the fields vary with the type). */
export interface AudienceEvent {
  type?: string;
  cloudId?: string;
  machineId?: string;
  kind?: string;
  runId?: string;
  scriptId?: string;
  scheduleId?: string;
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
    return this.cached(this.scopes, `${kind}:${id}`, () =>
      resourceScope(this.db, this.organizationId, kind, id).catch(() => null),
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
 * The readers of a stream event, by the same rules as the resources it is about: machine events
 * reach those who may read the machine; cloud and inventory events those who may read the cloud;
 * script output those who may read both the script and the machine; a run's status those who may
 * read the script and at least one machine it ran on; schedule runs those who may read the
 * schedule. Anything else (notices, which name no resource) reaches no policy-limited reader.
 */
export async function eventAudience(scopes: ReadScopes, event: AudienceEvent): Promise<Audience> {
  const reads = (kind: ResourceKind, scope: ResourceScope | null) => (p: Principal) =>
    scope !== null && decide(p, kind, 'read', scope);
  switch (event.type) {
    case 'machine.changed': {
      if (!event.machineId) return nobody;
      // The change may be to its tags or cloud: read them afresh.
      scopes.forget('machines', event.machineId);
      const scope = (await scopes.scope('machines', event.machineId)) ?? {
        cloudId: event.cloudId ?? null,
        tags: {},
      };
      return reads('machines', scope);
    }
    case 'inventory.changed':
    case 'cloud.changed': {
      if (!event.cloudId) return nobody;
      // Many machines of the cloud changed at once, or the cloud itself did.
      if (event.type === 'inventory.changed') scopes.forget('machines');
      else scopes.forget('clouds', event.cloudId);
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
    default:
      return nobody;
  }
}
