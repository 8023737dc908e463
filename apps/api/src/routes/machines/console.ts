import { connect, type Socket } from 'node:net';
import { ConsoleTicket, IdParams } from '@overcast/contracts';
import {
  type ConsoleMachine,
  type ConsoleOpener,
  ConsoleRecord,
  consoleMachine,
  consoleTicket,
  graphicalEndpoint,
  recordConsoleFailure,
  SerialFollow,
  type VncEndpoint,
} from '@overcast/core/console';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ApiContext, RoutePlugin } from '../../context';
import { watchShellSocket } from '../../events/shell-socket';
import { byId, may } from '../../http/authz';
import { userActorOf } from '../../http/caller';
import { upgradeRequired } from '../../http/errors';
import { OpenCounts } from '../../http/open-counts';
import { route } from '../../http/route';

/** Bytes queued towards the browser beyond which the VNC server's socket is paused. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
/** Closed because the VNC server could not be reached, or went away. */
const CLOSE_UNREACHABLE = 4502;

interface Checked {
  opener: ConsoleOpener;
  target: ConsoleMachine;
  vnc: VncEndpoint | null;
}

/** What a console request was checked against, kept for the WebSocket handler. */
const checked = new WeakMap<FastifyRequest, Checked>();

const isOpen = (socket: WebSocket) =>
  socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING;

const toBuffer = (data: Buffer | ArrayBuffer | Buffer[]) =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * A machine's console as a WebSocket. Graphical (libvirt): binary frames are the RFB stream of
 * the domain's VNC server both ways, for noVNC. Serial (EC2, Compute Engine): binary frames are
 * the serial port's text, the output kept first and then each new line; text frames are JSON
 * ({type:"status",state,sessionId?} and {type:"error",code,message}).
 */
export const consoleRoutes: RoutePlugin = (app, ctx) => {
  const { db, settings, logger, sockets } = ctx;
  // A console is counted against the same per-person limit as terminals, on its own tally.
  const open = new OpenCounts(() => settings.limits.terminalsPerUser);

  app.post(
    '/:id/console/ticket',
    route(
      "A one-time link to the machine's console in its provider's own application, where features.console is 'ticket' (vSphere: VMware Remote Console)",
      may('machines', 'shell', byId),
      { params: IdParams, response: { 200: ConsoleTicket } },
    ),
    async (request) =>
      consoleTicket(
        ctx,
        { actor: userActorOf(request), who: { label: 'you', principal: request.caller } },
        request.params.id,
      ),
  );

  app.route({
    method: 'GET',
    url: '/:id/console',
    schema: {
      summary:
        "WebSocket console of a machine whose provider offers one (features.console). 'graphical': binary frames are the " +
        "VNC server's RFB stream both ways (noVNC speaks it). 'serial': binary frames are the serial output (what the " +
        'provider kept, then new output as it comes); text frames are JSON {type:"status"|"error"}. A plain GET answers ' +
        '426 when the console can be opened, or the error that stops it. Closes with 4401 when the access that opened ' +
        'it ends, 4403 when a role or team change no longer allows it, 4502 when the VNC server cannot be reached',
      params: IdParams,
    },
    // Refusals (no shell right, unknown machine, no console, no VNC display) answer before the upgrade, as HTTP.
    config: { authz: { kind: 'machines', action: 'shell', target: byId } },
    preHandler: async (request) => {
      const auth = request.caller;
      const opener: ConsoleOpener = {
        actor: userActorOf(request),
        who: { label: 'you', principal: auth },
      };
      const target = await consoleMachine(ctx, opener, (request.params as { id: string }).id);
      let vnc: VncEndpoint | null = null;
      if (target.kind === 'graphical') {
        try {
          vnc = await graphicalEndpoint(ctx, target);
        } catch (err) {
          await recordConsoleFailure(ctx, opener, target, (err as { code?: string }).code ?? 'failed');
          throw err;
        }
      }
      checked.set(request, { opener, target, vnc });
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
      if (open.full(auth.userId)) {
        const message = `You have ${settings.limits.terminalsPerUser} terminals and consoles open, the most one person may (limits.terminalsPerUser); close one and try again.`;
        if (entry.target.kind === 'serial')
          socket.send(JSON.stringify({ type: 'error', code: 'too_many_terminals', message }));
        socket.close(1008, 'too_many_terminals');
        return;
      }
      const release = open.open(auth.userId);
      let stop: (reason: string) => void = () => {};
      const unwatch = watchShellSocket(socket, {
        db,
        sockets,
        auth,
        machineId: entry.target.machine.id,
        what: 'a console',
        cut: (code, reason) => {
          if (isOpen(socket)) socket.close(code, reason);
          stop('access_revoked');
        },
      });
      socket.on('error', () => {});
      socket.once('close', () => {
        release();
        unwatch();
        stop('client_closed');
      });
      const started =
        entry.vnc !== null ? relayVnc(ctx, socket, entry, entry.vnc) : followSerial(ctx, socket, entry);
      started.then(
        (stopper) => {
          stop = stopper;
          if (!isOpen(socket)) stopper('client_closed');
        },
        (err) => {
          logger.warn({ err: (err as Error).message }, 'console session failed');
          if (isOpen(socket)) socket.close(1011, 'internal_error');
        },
      );
    },
  });
};

/** Browser <-> VNC server, byte for byte, with bounded buffers both ways; recorded as figures. */
async function relayVnc(
  ctx: ApiContext,
  socket: WebSocket,
  { opener, target }: Checked,
  vnc: VncEndpoint,
): Promise<(reason: string) => void> {
  const tcp: Socket = connect({ host: vnc.address, port: vnc.port });
  tcp.setNoDelay(true);
  tcp.setTimeout(CONNECT_TIMEOUT_MS);
  const connected = await new Promise<boolean>((resolve) => {
    tcp.once('connect', () => resolve(true));
    tcp.once('error', () => resolve(false));
    tcp.once('timeout', () => resolve(false));
  });
  if (!connected) {
    tcp.destroy();
    await recordConsoleFailure(ctx, opener, target, 'vnc_unreachable');
    if (isOpen(socket))
      socket.close(
        CLOSE_UNREACHABLE,
        `The VNC server at ${vnc.host}:${vnc.port} did not answer; is the machine running?`.slice(0, 120),
      );
    return () => {};
  }
  tcp.setTimeout(0);
  const record = await ConsoleRecord.begin(ctx, opener, target, { host: vnc.host, port: vnc.port });
  let inFlight = 0;
  let ended = false;
  const stop = (reason: string) => {
    if (ended) return;
    ended = true;
    tcp.destroy();
    void record.end(reason);
  };
  tcp.on('data', (chunk: Buffer) => {
    if (!isOpen(socket)) return;
    record.bytesOut += chunk.length;
    inFlight += chunk.length;
    socket.send(chunk, { binary: true }, () => {
      inFlight -= chunk.length;
      if (inFlight <= LOW_WATER && tcp.isPaused()) tcp.resume();
    });
    if (inFlight > HIGH_WATER) tcp.pause();
  });
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (ended) return;
    const buf = toBuffer(data);
    record.bytesIn += buf.length;
    // The VNC server is slow to read: stop reading the browser until it catches up.
    if (!tcp.write(buf)) {
      socket.pause();
      tcp.once('drain', () => socket.resume());
    }
  });
  tcp.on('error', () => {});
  tcp.once('close', () => {
    if (isOpen(socket)) socket.close(CLOSE_UNREACHABLE, 'The VNC server closed the connection.');
    stop('server_closed');
  });
  return stop;
}

/** The serial console followed into the socket: output as binary frames, news as JSON. */
async function followSerial(
  ctx: ApiContext,
  socket: WebSocket,
  { opener, target }: Checked,
): Promise<(reason: string) => void> {
  const control = (message: object) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  control({ type: 'status', state: 'connecting' });
  let follow: SerialFollow;
  try {
    follow = await SerialFollow.start(ctx, opener, target, {
      output: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(Buffer.from(text, 'utf8'), { binary: true });
      },
      problem: (code, message) => control({ type: 'error', code, message }),
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    control({ type: 'error', code: e.code ?? 'console_failed', message: e.message ?? String(err) });
    if (isOpen(socket)) socket.close(1000, (e.code ?? 'console_failed').slice(0, 120));
    return () => {};
  }
  control({ type: 'status', state: 'connected', sessionId: follow.sessionId });
  // What the browser sends is not passed on: the serial console is read-only here.
  return (reason) => void follow.stop(reason);
}
