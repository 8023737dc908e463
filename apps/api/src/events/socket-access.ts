import {
  type AccessChange,
  type AccessHolder,
  type AccessListener,
  type AuthContext,
  changeCovers,
  currentAccess,
  listenForAccessChanges,
  teamUserIds,
} from '@overcast/core/auth';
import type { Principal } from '@overcast/core/authz';
import type { Database } from '@overcast/db';
import type { Logger } from '@overcast/runtime';

/** Close codes of sockets whose access ended (signed out, revoked, removed) or narrowed (role, teams). */
export const CLOSE_ACCESS_REVOKED = 4401;
export const CLOSE_ACCESS_NARROWED = 4403;

/** A WebSocket's part in access checks: whom it acts for and what to do when that changes. */
export interface WatchedSocket {
  holder: AccessHolder;
  /** The machine a terminal is open on: a change to it (tags, cloud) re-checks the access too. */
  machineId?: string;
  /** The access is gone; `reason` says why in words ("removed from the organization"). */
  ended(reason: string): void;
  /** The access is still there but may have changed (role, teams): re-decide what the socket does. */
  changed(principal: Principal): void | Promise<void>;
}

interface Entry {
  socket: WatchedSocket;
  /** Checks of one socket run one after another, so an older answer never overrides a newer one. */
  queue: Promise<void>;
  expiry?: NodeJS.Timeout;
  done: boolean;
}

/** setTimeout takes at most ~24.8 days; a later expiry is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The open WebSockets of this api process and the access each was opened with. Every change of
 * access the database announces (see announceAccessChange) re-checks the sockets it covers, so
 * revocation closes them at once, in every api process; a session or token that reaches its
 * expiry closes its sockets then.
 */
export class SocketAccess {
  private readonly entries = new Set<Entry>();
  private readonly listener: AccessListener;

  constructor(
    private readonly db: Database,
    databaseUrl: string,
    private readonly logger: Logger,
  ) {
    this.listener = listenForAccessChanges(databaseUrl, {
      changed: (change) => void this.apply(change),
      // Changes made while the connection was down were not heard: check everyone.
      resynced: () => {
        for (const entry of this.entries) this.recheck(entry);
      },
      error: (err) => this.logger.warn({ err: err.message }, 'access-change listener lost its connection'),
    });
  }

  /** Resolves once the api listens for changes. */
  ready(): Promise<void> {
    return this.listener.ready;
  }

  /**
   * Watches a socket until the returned function is called (on close). The access is checked once
   * at once too: a revocation between the upgrade request's check and now is not missed.
   */
  watch(socket: WatchedSocket): () => void {
    const entry: Entry = { socket, queue: Promise.resolve(), done: false };
    this.entries.add(entry);
    this.recheck(entry);
    return () => this.forget(entry);
  }

  /** A machine changed (its tags may decide who may use it): re-checks the terminals open on it. */
  machineChanged(organizationId: string, machineId: string): void {
    for (const entry of this.entries) {
      const { holder, machineId: on } = entry.socket;
      if (on === machineId && holder.organizationId === organizationId) this.recheck(entry);
    }
  }

  count(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    for (const entry of this.entries) this.forget(entry);
    await this.listener.close();
  }

  private forget(entry: Entry): void {
    entry.done = true;
    clearTimeout(entry.expiry);
    this.entries.delete(entry);
  }

  private async apply(change: AccessChange): Promise<void> {
    try {
      const teamUsers = 'teamId' in change ? new Set(await teamUserIds(this.db, change.teamId)) : undefined;
      for (const entry of this.entries) {
        if (changeCovers(change, entry.socket.holder, teamUsers)) this.recheck(entry);
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not apply an access change');
    }
  }

  private recheck(entry: Entry): void {
    entry.queue = entry.queue.then(async () => {
      if (entry.done) return;
      let access: Awaited<ReturnType<typeof currentAccess>>;
      try {
        access = await currentAccess(this.db, entry.socket.holder);
      } catch (err) {
        // The database is away: keep the socket; the listener re-checks everyone when it is back.
        this.logger.warn({ err: (err as Error).message }, 'could not re-check a socket’s access');
        return;
      }
      if (entry.done) return;
      if (!access.ok) {
        this.forget(entry);
        entry.socket.ended(access.reason);
        return;
      }
      this.scheduleExpiry(entry, access.expiresAt);
      await entry.socket.changed({ role: access.role, policies: access.policies });
    });
  }

  private scheduleExpiry(entry: Entry, expiresAt: Date | null): void {
    clearTimeout(entry.expiry);
    entry.expiry = undefined;
    if (!expiresAt) return;
    const ms = Math.min(Math.max(0, expiresAt.getTime() - Date.now()) + 50, MAX_TIMER_MS);
    entry.expiry = setTimeout(() => this.recheck(entry), ms);
    entry.expiry.unref();
  }
}

/** Whom a socket opened by this caller acts for. */
export const holderOf = (auth: AuthContext): AccessHolder => ({
  userId: auth.userId,
  organizationId: auth.organizationId,
  sessionId: auth.sessionId,
  tokenId: auth.tokenId,
});

/** The words of a close frame: at most 123 bytes, so long reasons are cut. */
export function closeReason(prefix: string, reason: string): string {
  const text = `${prefix}: ${reason}`;
  return Buffer.byteLength(text) <= 123 ? text : `${Buffer.from(text).subarray(0, 120).toString()}…`;
}
