import { type ActionLinkSettings, incidentActionButtons } from '../action-links/links';
import type { ChatMessage } from './chat';
import type { NotificationMessage } from './deliver';

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * A notification as chat platforms draw it. A newly opened incident gets its action buttons;
 * every other notice (resolved, tests, schedule notices) is words and a link only.
 */
export function chatMessageOf(
  settings: ActionLinkSettings,
  organizationId: string,
  message: NotificationMessage,
  extra: Record<string, unknown>,
): ChatMessage {
  const publicUrl = settings.publicUrl.replace(/\/+$/, '');
  const incidentId = str(extra.incidentId);
  return {
    subject: message.subject,
    text: message.text,
    severity: message.severity ?? 'info',
    ...(incidentId ? { incidentUrl: `${publicUrl}/incidents/${incidentId}` } : {}),
    buttons:
      incidentId && extra.event === 'incident.opened'
        ? incidentActionButtons(settings, { organizationId, incidentId, machineId: str(extra.machineId) })
        : [],
    mattermostActionUrl: `${publicUrl}/api/v1/action-links/mattermost`,
  };
}
