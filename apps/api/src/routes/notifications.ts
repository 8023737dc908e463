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
import { outboundRules } from '@overcast/core/outbound';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['notifications'];

export function notificationRoutes(app: App, deps: AppDeps): void {
  const { db, box, settings, logger } = deps;
  const notifier = createNotifier({ db, box, settings, logger });
  const outbound = outboundRules(settings);
  app.addSchema(NotificationChannel);

  app.get(
    '/api/v1/notification-channels',
    {
      schema: {
        tags,
        summary: 'Where notifications go: email recipients and webhooks',
        response: { 200: NotificationChannelList, ...errors },
      },
    },
    async (request) => {
      // Channels are where rules send their notices: they follow the rules permissions.
      const auth = await authorize(request, 'rules', 'read');
      return {
        items: await listChannels(db, auth.organizationId),
        emailAvailable: Boolean(settings.smtp.host),
      };
    },
  );

  app.post(
    '/api/v1/notification-channels',
    {
      schema: {
        tags,
        summary: 'Add email recipients or a webhook; a webhook answer carries its signing secret, once',
        body: CreateNotificationChannelRequest,
        response: { 201: T.Ref(NotificationChannel), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'rules', 'create');
      return reply
        .status(201)
        .send(await createChannel({ db, box, outbound }, orgActorOf(request), request.body));
    },
  );

  app.patch(
    '/api/v1/notification-channels/:id',
    {
      schema: {
        tags,
        summary: 'Change a channel',
        params: IdParams,
        body: UpdateNotificationChannelRequest,
        response: { 200: T.Ref(NotificationChannel), ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'rules', 'edit');
      return updateChannel(db, orgActorOf(request), request.params.id, request.body, outbound);
    },
  );

  app.delete(
    '/api/v1/notification-channels/:id',
    {
      schema: { tags, summary: 'Delete a channel', params: IdParams, response: { 204: T.Null(), ...errors } },
    },
    async (request, reply) => {
      await authorize(request, 'rules', 'delete');
      await deleteChannel(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/notification-channels/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a test notification through one channel and say how it went',
        params: IdParams,
        response: { 200: ChannelTestResult, ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'rules', 'edit');
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
}
