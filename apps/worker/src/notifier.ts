import { type Notifier, publishEvents, type Redis, recordAudit } from '@overcast/core';
import type { Database } from '@overcast/db';

/**
 * Notices go to the audit log (the Activity page) and the organization's live event stream, where
 * open browsers show them. Email and webhook channels plug in behind the same interface.
 */
export function streamNotifier(db: Database, redis: Redis): Notifier {
  return {
    async notify(organizationId, message) {
      const severity = message.severity ?? 'info';
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
