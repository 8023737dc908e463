import type { Principal } from '@overcast/core/authz';
import { DomainError } from '@overcast/core/errors';
import type { RoutePlugin } from '../context';
import { CLOSE_ACCESS_REVOKED, closeReason, holderOf } from '../events/socket-access';
import { upgradeRequired } from '../http/errors';
import { OpenCounts } from '../http/open-counts';

const PING_MS = 25_000;

/** The live event stream (a WebSocket): the hub filters each event by what its reader may see. */
export const streamRoutes: RoutePlugin = (app, { hub, sockets, settings, metrics }) => {
  const streams = new OpenCounts(() => settings.limits.streamsPerUser, metrics.openStreams);
  const tooManyStreams = () =>
    `You have ${settings.limits.streamsPerUser} live streams open, the most one person may (limits.streamsPerUser); close some tabs and try again.`;
  app.route({
    method: 'GET',
    url: '',
    schema: {
      summary:
        'WebSocket of live events for your organization: machine.changed, inventory.changed, cloud.changed, script and schedule runs (JSON messages); ' +
        'team policies limit them like the resources they are about. Closes with 4401 and the reason when the access that opened it ends',
    },
    // Any member may listen: each event reaches only readers whose policies let them see its resource.
    config: { authz: 'authenticated' },
    preHandler: async (request) => {
      if (streams.full(request.caller.userId))
        throw new DomainError('rate_limited', 'too_many_streams', tooManyStreams());
    },
    handler: async () => {
      throw upgradeRequired();
    },
    wsHandler: (socket, request) => {
      const auth = request.caller;
      // Checked again at open: several upgrades may have passed the check above together.
      if (streams.full(auth.userId)) {
        socket.send(JSON.stringify({ type: 'error', code: 'too_many_streams', message: tooManyStreams() }));
        socket.close(1008, 'too_many_streams');
        return;
      }
      const release = streams.open(auth.userId);
      // What the caller may see now: replaced when their role or teams change, and read by the hub
      // at each event, so a limited reader gets only events about what they may read.
      let principal: Principal = { role: auth.role, policies: auth.policies };
      const remove = hub.add(auth.organizationId, socket, () => principal);
      const unwatch = sockets.watch({
        holder: holderOf(auth),
        ended: (reason) => socket.close(CLOSE_ACCESS_REVOKED, closeReason('Your access was revoked', reason)),
        changed: (now) => {
          principal = now;
        },
      });
      socket.send(JSON.stringify({ type: 'hello', organizationId: auth.organizationId }));
      // Pings keep proxies from closing an idle stream and reveal dead peers.
      const ping = setInterval(() => socket.ping(), PING_MS);
      socket.on('close', () => {
        release();
        clearInterval(ping);
        remove();
        unwatch();
      });
      socket.on('message', () => {
        // The stream is one-way; messages from the browser are ignored.
      });
    },
  });
};
