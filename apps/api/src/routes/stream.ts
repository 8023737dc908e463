import { ErrorBody } from '@overcast/contracts';
import { decide, governedByPolicies } from '@overcast/core';
import type { App } from '../context';
import type { EventHub } from '../events/hub';
import { HttpError } from '../http/errors';
import { authOf } from './shared';

const PING_MS = 25_000;

export function streamRoutes(app: App, hub: EventHub): void {
  app.route({
    method: 'GET',
    url: '/api/v1/stream',
    schema: {
      tags: ['events'],
      summary:
        'WebSocket of live events for your organization: machine.changed, inventory.changed, cloud.changed (JSON messages)',
      response: { 401: ErrorBody, 426: ErrorBody },
    },
    handler: async () => {
      throw new HttpError(
        426,
        'upgrade_required',
        'This endpoint is a WebSocket; connect with ws:// or wss://.',
      );
    },
    wsHandler: (socket, request) => {
      const auth = authOf(request);
      // Callers limited by team policies get only events about clouds they may see. Tag-limited
      // grants cannot be judged from an event, so those callers rely on refetching instead.
      const filter = governedByPolicies(auth)
        ? (event: { type?: string; cloudId?: string }) =>
            Boolean(event.cloudId) &&
            decide(auth, event.type === 'machine.changed' ? 'machines' : 'clouds', 'read', {
              cloudId: event.cloudId ?? null,
              tags: {},
            })
        : undefined;
      const remove = hub.add(auth.organizationId, socket, filter);
      socket.send(JSON.stringify({ type: 'hello', organizationId: auth.organizationId }));
      // Pings keep proxies from closing an idle stream and reveal dead peers.
      const ping = setInterval(() => socket.ping(), PING_MS);
      socket.on('close', () => {
        clearInterval(ping);
        remove();
      });
      socket.on('message', () => {
        // The stream is one-way; messages from the browser are ignored.
      });
    },
  });
}
