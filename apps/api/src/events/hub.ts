import {
  type AudienceEvent,
  eventAudiences,
  governedByPolicies,
  type Principal,
  ReadScopes,
} from '@overcast/core/authz';
import { ORG_CHANNEL_PATTERN } from '@overcast/core/events';
import type { Database } from '@overcast/db';
import { createRedis } from '@overcast/runtime';
import type { WebSocket } from 'ws';

/** What the socket's reader may see now; read at each event, so role and team changes apply at once. */
export type Reader = () => Principal;

/**
 * One Redis subscription per api process, fanned out to the WebSockets of each organization.
 * Readers whose team policies limit them get only events about what they may read, decided from
 * resource scopes cached per organization; everyone else gets every event at once. Sockets that
 * cannot keep up are closed rather than buffered without bound.
 */
export class EventHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly readers = new WeakMap<WebSocket, Reader>();
  private readonly scopes = new Map<string, ReadScopes>();
  /** Events waiting for limited readers, per organization, in the order they came. */
  private readonly pending = new Map<string, string[]>();
  /** The delivery loop of each organization with pending events. */
  private readonly draining = new Map<string, Promise<void>>();
  private readonly subscriber;
  private machineListener?: (organizationId: string, machineId: string) => void;
  private static readonly MAX_BUFFERED = 4 * 1024 * 1024;

  constructor(
    redisUrl: string,
    private readonly db: Database,
  ) {
    // A subscriber must wait for Redis and resubscribe after reconnecting, not fail fast.
    this.subscriber = createRedis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: null });
    void this.subscriber.psubscribe(ORG_CHANNEL_PATTERN).catch(() => {});
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const orgId = channel.split(':')[1];
      if (!orgId) return;
      this.broadcast(orgId, message);
      if (this.machineListener && message.includes('"machine.changed"')) {
        const { machineId } = safeParse(message);
        if (machineId) this.machineListener(orgId, machineId);
      }
    });
  }

  add(organizationId: string, socket: WebSocket, reader: Reader): () => void {
    this.readers.set(socket, reader);
    let set = this.sockets.get(organizationId);
    if (!set) {
      set = new Set();
      this.sockets.set(organizationId, set);
    }
    set.add(socket);
    return () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(organizationId) === set) {
        this.sockets.delete(organizationId);
        this.scopes.delete(organizationId);
      }
    };
  }

  /** Tells `listener` of every machine.changed event of any organization (terminals re-check on it). */
  onMachineChanged(listener: (organizationId: string, machineId: string) => void): void {
    this.machineListener = listener;
  }

  count(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  /** Resolves once every event received so far has been delivered (tests and benchmarks). */
  async settled(): Promise<void> {
    while (this.draining.size > 0) await Promise.all(this.draining.values());
  }

  private limited(socket: WebSocket): Principal | null {
    const reader = this.readers.get(socket);
    const principal = reader?.();
    return principal && governedByPolicies(principal) ? principal : null;
  }

  private broadcast(organizationId: string, message: string): void {
    const set = this.sockets.get(organizationId);
    if (!set) return;
    let anyLimited = false;
    for (const socket of set) {
      if (this.limited(socket)) anyLimited = true;
      else this.send(socket, message);
    }
    if (!anyLimited) return;
    const queue = this.pending.get(organizationId);
    if (queue) queue.push(message);
    else this.pending.set(organizationId, [message]);
    if (!this.draining.has(organizationId)) {
      const loop = this.drain(organizationId).finally(() => this.draining.delete(organizationId));
      this.draining.set(organizationId, loop);
    }
  }

  /**
   * Delivers an organization's pending events to its limited readers, in order. Events that came
   * while the previous ones were decided go as one batch, so a burst costs a query or two, not one
   * per event.
   */
  private async drain(organizationId: string): Promise<void> {
    for (;;) {
      const batch = this.pending.get(organizationId);
      this.pending.delete(organizationId);
      if (!batch?.length) return;
      let scopes = this.scopes.get(organizationId);
      if (!scopes) {
        scopes = new ReadScopes(this.db, organizationId);
        this.scopes.set(organizationId, scopes);
      }
      let audiences: ((p: Principal) => boolean)[];
      try {
        audiences = await eventAudiences(scopes, batch.map(safeParse));
      } catch {
        // The database is away: limited readers get nothing rather than something they may not see.
        continue;
      }
      const sockets = [...(this.sockets.get(organizationId) ?? [])];
      batch.forEach((message, i) => {
        for (const socket of sockets) {
          const principal = this.limited(socket);
          if (principal && audiences[i]!(principal)) this.send(socket, message);
        }
      });
    }
  }

  private send(socket: WebSocket, message: string): void {
    if (socket.bufferedAmount > EventHub.MAX_BUFFERED) socket.close(1013, 'too slow; reconnect');
    else if (socket.readyState === socket.OPEN) socket.send(message);
  }

  async close(): Promise<void> {
    for (const set of this.sockets.values()) for (const s of set) s.close(1001, 'server shutting down');
    this.sockets.clear();
    this.subscriber.disconnect();
  }
}

function safeParse(message: string): AudienceEvent {
  try {
    const parsed = JSON.parse(message) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as AudienceEvent) : {};
  } catch {
    return {};
  }
}
