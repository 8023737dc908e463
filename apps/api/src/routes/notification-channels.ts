import {
  ChannelTestResult,
  CreateNotificationChannelRequest,
  IdParams,
  NotificationChannel,
  NotificationChannelList,
  UpdateNotificationChannelRequest,
} from '@overcast/contracts';
import {
  createChannel,
  createNotifier,
  deleteChannel,
  listChannels,
  outboundRules,
  recordAudit,
  updateChannel,
} from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { authOf, orgActorOf } from '../http/caller';

/** Where notifications go. Channels are where rules send their notices: they follow the rules rights. */
export const notificationChannelRoutes: RoutePlugin = (app, { db, box, settings, logger }) => {
  const notifier = createNotifier({ db, box, settings, logger });
  const outbound = outboundRules(settings);

  app.get(
    '',
    {
      schema: {
        summary: 'Where notifications go: email recipients and webhooks',
        response: { 200: NotificationChannelList },
      },
      config: { authz: { kind: 'rules', action: 'read' } },
    },
    async (request) => ({
      items: await listChannels(db, authOf(request).organizationId),
      emailAvailable: Boolean(settings.smtp.host),
    }),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Add email recipients or a webhook; a webhook answer carries its signing secret, once',
        body: CreateNotificationChannelRequest,
        response: { 201: T.Ref(NotificationChannel) },
      },
      config: { authz: { kind: 'rules', action: 'create' } },
    },
    async (request, reply) =>
      reply.status(201).send(await createChannel({ db, box, outbound }, orgActorOf(request), request.body)),
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Change a channel',
        params: IdParams,
        body: UpdateNotificationChannelRequest,
        response: { 200: T.Ref(NotificationChannel) },
      },
      config: { authz: { kind: 'rules', action: 'edit' } },
    },
    async (request) => updateChannel(db, orgActorOf(request), request.params.id, request.body, outbound),
  );

  app.delete(
    '/:id',
    {
      schema: { summary: 'Delete a channel', params: IdParams, response: { 204: T.Null() } },
      config: { authz: { kind: 'rules', action: 'delete' } },
    },
    async (request, reply) => {
      await deleteChannel(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/test',
    {
      schema: {
        summary: 'Send a test notification through one channel and say how it went',
        params: IdParams,
        response: { 200: ChannelTestResult },
      },
      config: { authz: { kind: 'rules', action: 'edit' } },
    },
    async (request) => {
      const actor = orgActorOf(request);
      const result = await notifier.test(actor.organizationId, request.params.id);
      await recordAudit(db, actor, {
        action: 'notification_channel.test',
        resourceKind: 'notification_channel',
        resourceId: request.params.id,
        result: result.ok ? 'success' : 'failure',
        details: { name: result.channelName, ...(result.error ? { error: result.error } : {}) },
      });
      return {
        ok: result.ok,
        message: result.ok
          ? `A test ${result.kind === 'email' ? 'email' : 'webhook'} was sent through "${result.channelName}".`
          : `The test failed: ${result.error}`,
      };
    },
  );
};
