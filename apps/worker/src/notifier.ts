import { recordAudit } from '@overcast/core/audit';
import { publishEvents } from '@overcast/core/events';
import type { Notifier } from '@overcast/core/notifications';
import type { Runtime } from '@overcast/runtime';

/**
 * Notices (schedule "notify" actions, expiration warnings) go to the organization's email and
 * webhook channels, the audit log (the Activity page) and the live event stream, where open
 * browsers show them. A failing channel is the channel notifier's to report; the rest still happen.
 */
export function noticeNotifier(runtime: Pick<Runtime, 'db' | 'redis'>, channels: Notifier): Notifier {
  const { db, redis } = runtime;
  return {
    async notify(organizationId, message) {
      const severity = message.severity ?? 'info';
      await channels.notify(organizationId, message);
      await recordAudit(
        db,
        { organizationId, label: 'notifier' },
        {
          action: 'notification.send',
          resourceKind: 'organization',
          resourceId: organizationId,
          details: { subject: message.subject, text: message.text, severity, channel: 'event-stream' },
        },
      );
      await publishEvents(redis, organizationId, [
        { type: 'notice', subject: message.subject, text: message.text, severity },
      ]);
    },
  };
}
