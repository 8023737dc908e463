import {
  AcceptHostKeyRequest,
  HostKey,
  HostKeyList,
  IdParams,
  ShellQuery,
  ShellSessionList,
} from '@overcast/contracts';
import { authorizeEngineHost } from '@overcast/core/containers';
import { repos } from '@overcast/core/repositories';
import {
  acceptHostKey,
  listHostKeys,
  listShellSessions,
  type TerminalRequest,
  TerminalSession,
} from '@overcast/core/terminal';
import type { Machine } from '@overcast/db';
import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../../context';
import { watchShellSocket } from '../../events/shell-socket';
import { adminsCan, byId, may } from '../../http/authz';
import { orgActorOf, userActorOf } from '../../http/caller';
import { upgradeRequired } from '../../http/errors';
import { itemsInOrg } from '../../http/in-org';
import { OpenCounts } from '../../http/open-counts';
import { changeById } from '../../http/reply';
import { route } from '../../http/route';

/** What a terminal request was checked against, kept for the WebSocket handler. */
const checked = new WeakMap<FastifyRequest, { machine: Machine; actor: TerminalRequest['actor'] }>();

/** A machine's terminal (a WebSocket), its pinned host keys and its recorded sessions. */
export const terminalRoutes: RoutePlugin = (app, ctx) => {
  const { db, settings, logger, sockets, metrics } = ctx;
  const terminals = new OpenCounts(() => settings.limits.terminalsPerUser, metrics.openTerminals);
  const tooManyTerminals = () =>
    `You have ${settings.limits.terminalsPerUser} terminals open, the most one person may (limits.terminalsPerUser); close one and try again.`;

  app.route({
    method: 'GET',
    url: '/:id/shell',
    schema: {
      summary:
        'WebSocket terminal on a machine over SSH (on a Docker container: a shell through the engine’s exec API). Binary frames are terminal bytes both ways; text frames are JSON control ' +
        'messages: from the client {type:"resize",cols,rows}, {type:"auth",password}, {type:"accept-host-key",fingerprint} (admins); ' +
        'from the server {type:"status",state:"connecting"|"connected"|"closed",reason?,hostKey?} and {type:"error",code,message}. ' +
        'Closes with 4401 when the access that opened it ends, 4403 when a role or team change no longer allows it (the reason in the close frame)',
      params: IdParams,
      querystring: ShellQuery,
    },
    // Refusals (role, read-only token, unknown machine) answer before the upgrade, as HTTP.
    config: { authz: { kind: 'machines', action: 'shell', target: byId } },
    preHandler: async (request) => {
      const auth = request.caller;
      const machine = await repos(db).machines.getInOrg(
        auth.organizationId,
        (request.params as { id: string }).id,
      );
      // A container's shell goes through its engine; one reached through a machine needs a shell
      // there too, which depends on the machine loaded here, so it is checked here.
      await authorizeEngineHost(db, auth.organizationId, { label: 'you', principal: auth }, machine.cloudId);
      const actor = userActorOf(request);
      checked.set(request, { machine, actor });
    },
    handler: async () => {
      throw upgradeRequired();
    },
    wsHandler: (socket, request) => {
      const entry = checked.get(request);
      if (!entry) {
        socket.close(1011, 'internal_error');
        return;
      }
      const auth = request.caller;
      // Refused inside the socket rather than with a 429 before it: a browser sees only this.
      if (terminals.full(auth.userId)) {
        socket.send(
          JSON.stringify({ type: 'error', code: 'too_many_terminals', message: tooManyTerminals() }),
        );
        socket.close(1008, 'too_many_terminals');
        return;
      }
      const release = terminals.open(auth.userId);
      const { machine, actor } = entry;
      const query = request.query as ShellQuery;
      const session = new TerminalSession(
        ctx,
        {
          actor,
          role: auth.role,
          machine,
          cols: query.cols ?? 80,
          rows: query.rows ?? 24,
          address: query.address,
          port: query.port,
        },
        {
          sendData: (chunk, sent) => {
            if (socket.readyState !== socket.OPEN) return sent();
            socket.send(chunk, { binary: true }, () => sent());
          },
          sendControl: (message) => {
            if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
          },
          close: (code, reason) => {
            if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
              socket.close(code, reason.slice(0, 120));
          },
        },
      );
      const unwatch = watchShellSocket(socket, {
        db,
        sockets,
        auth,
        machineId: machine.id,
        what: 'a terminal',
        cut: (code, reason) => {
          if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
            socket.close(code, reason);
          void session.end('access_revoked');
        },
      });
      socket.on('message', (data, isBinary) => {
        const buf = Buffer.isBuffer(data)
          ? data
          : Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.from(data);
        session.receive(buf, isBinary);
      });
      socket.on('close', () => {
        release();
        unwatch();
        void session.peerClosed();
      });
      socket.on('error', () => {});
      session.start().catch((err) => {
        logger.warn({ err: (err as Error).message }, 'terminal session failed');
        void session.end('internal_error');
      });
    },
  });

  // What a machine has on record, listed for whoever may read the machine.
  const records = [
    ['host-keys', "The machine's pinned SSH host keys", HostKeyList, listHostKeys],
    ['shell-sessions', "The machine's terminal sessions, newest first", ShellSessionList, listShellSessions],
  ] as const;
  for (const [part, summary, response, list] of records) {
    app.get(
      `/:id/${part}`,
      route(summary, may('machines', 'read', byId), { params: IdParams, response: { 200: response } }),
      // One handler for both lists: the response schema of each checks what it answers.
      itemsInOrg<typeof db, unknown>(db, list),
    );
  }

  // Trusting a new host key is an organization-level decision: admins only, on machines they may edit.
  app.post(
    '/:id/host-keys/accept',
    route(
      "Accept a machine's changed host key (admins): later connections expect this fingerprint",
      [{ kind: 'machines', action: 'edit', target: byId }, adminsCan('accept changed host keys')],
      changeById(AcceptHostKeyRequest, HostKey),
    ),
    async (request) => acceptHostKey(db, orgActorOf(request), request.params.id, request.body),
  );
};
