import { createRedis, ORG_CHANNEL_PATTERN } from '@overcast/core';
import type { WebSocket } from 'ws';

/**
 * One Redis subscription per api process, fanned out to the WebSockets of each organization.
 * Sockets that cannot keep up are closed rather than buffered without bound.
 */
/** Whether a socket may receive an event; absent for callers who may see everything. */
export type EventFilter = (event: { type?: string; cloudId?: string }) => boolean;

export class EventHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly filters = new WeakMap<WebSocket, EventFilter>();
  private readonly subscriber;
  private static readonly MAX_BUFFERED = 4 * 1024 * 1024;

  constructor(redisUrl: string) {
    // A subscriber must wait for Redis and resubscribe after reconnecting, not fail fast.
    this.subscriber = createRedis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: null });
    void this.subscriber.psubscribe(ORG_CHANNEL_PATTERN).catch(() => {});
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const orgId = channel.split(':')[1];
      if (orgId) this.broadcast(orgId, message);
    });
  }

  add(organizationId: string, socket: WebSocket, filter?: EventFilter): () => void {
    if (filter) this.filters.set(socket, filter);
    let set = this.sockets.get(organizationId);
    if (!set) {
      set = new Set();
      this.sockets.set(organizationId, set);
    }
    set.add(socket);
    return () => {
      set.delete(socket);
      if (set.size === 0) this.sockets.delete(organizationId);
    };
  }

  count(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  private broadcast(organizationId: string, message: string): void {
    let event: { type?: string; cloudId?: string } | null = null;
    for (const socket of this.sockets.get(organizationId) ?? []) {
      const filter = this.filters.get(socket);
      if (filter) {
        // Parsed once per message, and only when some socket's team policies need to look.
        event ??= safeParse(message);
        if (!filter(event)) continue;
      }
      if (socket.bufferedAmount > EventHub.MAX_BUFFERED) socket.close(1013, 'too slow; reconnect');
      else if (socket.readyState === socket.OPEN) socket.send(message);
    }
  }

  async close(): Promise<void> {
    for (const set of this.sockets.values()) for (const s of set) s.close(1001, 'server shutting down');
    this.sockets.clear();
    this.subscriber.disconnect();
  }
}

function safeParse(message: string): { type?: string; cloudId?: string } {
  try {
    return JSON.parse(message) as { type?: string; cloudId?: string };
  } catch {
    return {};
  }
}
