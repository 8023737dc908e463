import {
  ChannelTestResult,
  CreateNotificationChannelRequest,
  IdParams,
  NotificationChannel,
  NotificationChannelList,
  UpdateNotificationChannelRequest,
} from '@overcast/contracts';
import { recordAudit } from '@overcast/core/audit';
import {
  createChannel,
  createNotifier,
  deleteChannel,
  listChannels,
  updateChannel,
} from '@overcast/core/notifications';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** Where notifications go. Channels are where rules send their notices: they follow the rules rights. */
export const notificationChannelRoutes: RoutePlugin = (app, ctx) => {
  const { db, settings } = ctx;
  const notifier = createNotifier(ctx);

  app.get(
    '',
    route('Where notifications go: email recipients and webhooks', may('rules', 'read'), {
      response: { 200: NotificationChannelList },
    }),
    async (request) => ({
      items: await listChannels(db, request.caller.organizationId),
      emailAvailable: Boolean(settings.smtp.host),
    }),
  );

  app.post(
    '',
    route(
      'Add email recipients, a webhook or a chat channel; a webhook answer carries its signing secret, once',
      may('rules', 'create'),
      { body: CreateNotificationChannelRequest, response: { 201: T.Ref(NotificationChannel) } },
    ),
    async (request, reply) => created(reply, createChannel(ctx, orgActorOf(request), request.body)),
  );

  app.patch(
    '/:id',
    route(
      'Change a channel',
      may('rules', 'edit'),
      changeById(UpdateNotificationChannelRequest, T.Ref(NotificationChannel)),
    ),
    async (request) => updateChannel(ctx, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    route('Delete a channel', may('rules', 'delete'), { params: IdParams, response: NoContent }),
    async (request, reply) => noContent(reply, deleteChannel(db, orgActorOf(request), request.params.id)),
  );

  app.post(
    '/:id/test',
    route('Send a test notification through one channel and say how it went', may('rules', 'edit'), {
      params: IdParams,
      response: { 200: ChannelTestResult },
    }),
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
          ? `A test ${result.kind === 'email' || result.kind === 'webhook' ? result.kind : 'message'} was sent through "${result.channelName}".`
          : `The test failed: ${result.error}`,
      };
    },
  );
};
