import {
  AcceptHostKeyRequest,
  ErrorBody,
  HostKey,
  HostKeyList,
  IdParams,
  ShellQuery,
  ShellSession,
  ShellSessionList,
} from '@overcast/contracts';
import { mayDo } from '@overcast/core/authz';
import { authorizeEngineHost } from '@overcast/core/containers';
import { repos } from '@overcast/core/repositories';
import {
  acceptHostKey,
  listHostKeys,
  listShellSessions,
  openRecording,
  type TerminalRequest,
  TerminalSession,
} from '@overcast/core/terminal';
import type { Machine } from '@overcast/db';
import { Type as T } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { App, AppDeps } from '../context';
import {
  CLOSE_ACCESS_NARROWED,
  CLOSE_ACCESS_REVOKED,
  closeReason,
  holderOf,
  type SocketAccess,
} from '../events/socket-access';
import { forbidden, HttpError } from '../http/errors';
import { OpenCounts } from '../http/open-counts';
import { authOf, authorize, ERROR_RESPONSES, orgActorOf, requireRole } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['terminal'];
const PING_MS = 25_000;

/** What a terminal request was checked against, kept for the WebSocket handler. */
const checked = new WeakMap<FastifyRequest, { machine: Machine; actor: TerminalRequest['actor'] }>();

/** The caller's address; a request without a socket (injected upgrades) has none. */
function addressOf(request: FastifyRequest): string {
  try {
    return request.ip;
  } catch {
    return '';
  }
}

export function shellRoutes(app: App, deps: AppDeps, sockets: SocketAccess): void {
  const { db, box, settings, logger } = deps;
  app.addSchema(ShellSession);
  const terminals = new OpenCounts(() => settings.limits.terminalsPerUser);
  const tooManyTerminals = () =>
    `You have ${settings.limits.terminalsPerUser} terminals open, the most one person may (limits.terminalsPerUser); close one and try again.`;

  app.route({
    method: 'GET',
    url: '/api/v1/machines/:id/shell',
    schema: {
      tags,
      summary:
        'WebSocket terminal on a machine over SSH (on a Docker container: a shell through the engine’s exec API). Binary frames are terminal bytes both ways; text frames are JSON control ' +
        'messages: from the client {type:"resize",cols,rows}, {type:"auth",password}, {type:"accept-host-key",fingerprint} (admins); ' +
        'from the server {type:"status",state:"connecting"|"connected"|"closed",reason?,hostKey?} and {type:"error",code,message}. ' +
        'Closes with 4401 when the access that opened it ends, 4403 when a role or team change no longer allows it (the reason in the close frame)',
      params: IdParams,
      querystring: ShellQuery,
      response: { ...errors, 426: ErrorBody },
    },
    // Refusals (role, read-only token, unknown machine) answer before the upgrade, as HTTP.
    preHandler: async (request) => {
      const { id } = request.params as { id: string };
      if (request.auth?.tokenScope === 'read')
        throw forbidden('This API token is read-only; a terminal needs a token with full scope.');
      const auth = await authorize(request, 'machines', 'shell', { id });
      const machine = await repos(db).machines.getInOrg(auth.organizationId, id);
      // A container's shell goes through its engine; one reached through a machine needs a shell there.
      await authorizeEngineHost(db, auth.organizationId, { label: 'you', principal: auth }, machine.cloudId);
      const actor = {
        organizationId: auth.organizationId,
        userId: auth.userId,
        tokenId: auth.tokenId ?? null,
        label: auth.email,
        ip: addressOf(request),
        userAgent: request.headers['user-agent'],
        requestId: request.id,
      };
      checked.set(request, { machine, actor });
    },
    handler: async () => {
      throw new HttpError(
        426,
        'upgrade_required',
        'This endpoint is a WebSocket; connect with ws:// or wss://.',
      );
    },
    wsHandler: (socket, request) => {
      const entry = checked.get(request);
      if (!entry) {
        socket.close(1011, 'internal_error');
        return;
      }
      const auth = authOf(request);
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
      const query = request.query as {
        cols?: number;
        rows?: number;
        address?: 'public' | 'private';
        port?: number;
      };
      const session = new TerminalSession(
        { db, box, settings, logger },
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
      // The terminal lives only as long as the access that opened it: revoked or narrowed, it closes.
      const cut = (code: number, reason: string) => {
        if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
          socket.close(code, reason);
        void session.end('access_revoked');
      };
      const unwatch = sockets.watch({
        holder: holderOf(auth),
        machineId: machine.id,
        ended: (reason) => cut(CLOSE_ACCESS_REVOKED, closeReason('Your access was revoked', reason)),
        changed: async (principal) => {
          if (await mayDo(db, auth.organizationId, principal, 'machines', 'shell', machine.id)) return;
          cut(
            CLOSE_ACCESS_NARROWED,
            closeReason('Your access changed', 'your role or teams no longer allow a terminal here'),
          );
        },
      });
      // A peer that stops answering pings is gone: end its SSH session rather than wait for TCP.
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      const ping = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, PING_MS);
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
        clearInterval(ping);
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

  app.get(
    '/api/v1/machines/:id/host-keys',
    {
      schema: {
        tags,
        summary: "The machine's pinned SSH host keys",
        params: IdParams,
        response: { 200: HostKeyList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read', { id: request.params.id });
      return { items: await listHostKeys(db, auth.organizationId, request.params.id) };
    },
  );

  app.post(
    '/api/v1/machines/:id/host-keys/accept',
    {
      schema: {
        tags,
        summary: "Accept a machine's changed host key (admins): later connections expect this fingerprint",
        params: IdParams,
        body: AcceptHostKeyRequest,
        response: { 200: HostKey, ...errors },
      },
    },
    async (request) => {
      // Trusting a new host key is an organization-level decision: admins only, on machines they may edit.
      await authorize(request, 'machines', 'edit', { id: request.params.id });
      requireRole(request, 'admin', 'accept changed host keys');
      return acceptHostKey(db, orgActorOf(request), request.params.id, request.body);
    },
  );

  app.get(
    '/api/v1/machines/:id/shell-sessions',
    {
      schema: {
        tags,
        summary: "The machine's terminal sessions, newest first",
        params: IdParams,
        response: { 200: ShellSessionList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read', { id: request.params.id });
      return { items: await listShellSessions(db, auth.organizationId, request.params.id) };
    },
  );

  app.get(
    '/api/v1/shell-sessions/:id/recording',
    {
      schema: {
        tags,
        summary: "A session's recording as asciicast v2 (admins, or the person whose session it was)",
        params: IdParams,
        response: {
          200: T.Unknown({
            description: 'asciicast v2: a JSON header line, then [seconds, "o", text] lines',
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { stream, size, session } = await openRecording(db, authOf(request), request.params.id);
      return reply
        .header('content-type', 'application/x-asciicast')
        .header('content-length', size)
        .header('content-disposition', `attachment; filename="${session.id}.cast"`)
        .send(stream);
    },
  );
}
