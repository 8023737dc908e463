import type { AuthContext } from '@overcast/core/auth';
import { mayDo } from '@overcast/core/authz';
import type { Database } from '@overcast/db';
import type { WebSocket } from 'ws';
import {
  CLOSE_ACCESS_NARROWED,
  CLOSE_ACCESS_REVOKED,
  closeReason,
  holderOf,
  type SocketAccess,
} from './socket-access';

// What a terminal and a console socket share: each lives only as long as the access that opened
// it (revoked, or narrowed so shells on the machine are no longer allowed, it closes), and a peer
// that stops answering pings is dropped rather than waited for over TCP.

const PING_MS = 25_000;

export interface ShellSocketWatch {
  db: Database;
  sockets: SocketAccess;
  auth: AuthContext;
  machineId: string;
  /** What is open, for the close reason: "a terminal", "a console". */
  what: string;
  /** Closes the socket with this code and reason, and ends what it serves. */
  cut(code: number, reason: string): void;
}

/** Starts watching; the returned function stops it (call it when the socket closes). */
export function watchShellSocket(socket: WebSocket, watch: ShellSocketWatch): () => void {
  const { auth, machineId } = watch;
  const unwatch = watch.sockets.watch({
    holder: holderOf(auth),
    machineId,
    ended: (reason) => watch.cut(CLOSE_ACCESS_REVOKED, closeReason('Your access was revoked', reason)),
    changed: async (principal) => {
      if (await mayDo(watch.db, auth.organizationId, principal, 'machines', 'shell', machineId)) return;
      watch.cut(
        CLOSE_ACCESS_NARROWED,
        closeReason('Your access changed', `your role or teams no longer allow ${watch.what} here`),
      );
    },
  });
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  const ping = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, PING_MS);
  return () => {
    clearInterval(ping);
    unwatch();
  };
}
