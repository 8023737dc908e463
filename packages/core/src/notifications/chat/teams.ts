import { type ChatFormat, clip, SEVERITY_WORD } from './message';

const COLOUR = { critical: 'Attention', warning: 'Warning', info: 'Accent' } as const;

/**
 * A Microsoft Teams Workflows (Power Automate) incoming webhook: a `message` whose attachment is
 * an Adaptive Card. Its Action.OpenUrl buttons open Overcast's confirm page, like Slack's.
 */
export const teamsMessage: ChatFormat = (message, target) => ({
  url: target.url,
  body: {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: clip(message.subject, 500),
              weight: 'Bolder',
              size: 'Medium',
              color: COLOUR[message.severity],
              wrap: true,
            },
            { type: 'TextBlock', text: clip(message.text, 4000), wrap: true },
            { type: 'FactSet', facts: [{ title: 'Severity', value: SEVERITY_WORD[message.severity] }] },
          ],
          actions: [
            ...message.buttons.map((b) => ({ type: 'Action.OpenUrl', title: b.label, url: b.url })),
            ...(message.incidentUrl
              ? [{ type: 'Action.OpenUrl', title: 'Open in Overcast', url: message.incidentUrl }]
              : []),
          ],
        },
      },
    ],
  },
});
