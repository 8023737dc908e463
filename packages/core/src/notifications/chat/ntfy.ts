import { type ChatFormat, clip } from './message';

const PRIORITY = { critical: 5, warning: 4, info: 3 } as const;
const TAG = { critical: 'rotating_light', warning: 'warning', info: 'information_source' } as const;

/**
 * An ntfy publish as JSON, to the server's root with the topic in the body. The buttons are `view`
 * actions (ntfy allows three) that open Overcast's confirm page.
 */
export const ntfyMessage: ChatFormat = (message, target) => ({
  url: target.url,
  ...(target.accessToken ? { headers: { authorization: `Bearer ${target.accessToken}` } } : {}),
  body: {
    topic: target.topic,
    title: clip(message.subject, 250),
    message: clip(message.text, 4000),
    priority: PRIORITY[message.severity],
    tags: [TAG[message.severity], 'overcast'],
    ...(message.incidentUrl ? { click: message.incidentUrl } : {}),
    actions: message.buttons
      .slice(0, 3)
      .map((b) => ({ action: 'view', label: b.label, url: b.url, clear: true })),
  },
});
