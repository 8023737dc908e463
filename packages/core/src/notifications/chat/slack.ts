import { type ChatFormat, clip, SEVERITY_WORD } from './message';

/** Slack's mrkdwn treats these three as control characters. */
const escapeMrkdwn = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const EMOJI = { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const;

/**
 * An incoming-webhook message in Block Kit: a header, the text, a link to the incident, and the
 * action buttons as URL buttons (they open Overcast's confirm page; nothing acts from Slack itself).
 */
export const slackMessage: ChatFormat = (message, target) => ({
  url: target.url,
  body: {
    text: clip(`${SEVERITY_WORD[message.severity]}: ${message.subject}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(message.subject, 150), emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `${EMOJI[message.severity]} *${SEVERITY_WORD[message.severity]}*\n${escapeMrkdwn(message.text)}`,
            3000,
          ),
        },
      },
      ...(message.incidentUrl
        ? [
            {
              type: 'context',
              elements: [{ type: 'mrkdwn', text: `<${message.incidentUrl}|Open the incident in Overcast>` }],
            },
          ]
        : []),
      ...(message.buttons.length
        ? [
            {
              type: 'actions',
              block_id: 'overcast_incident_actions',
              elements: message.buttons.map((b) => ({
                type: 'button',
                action_id: `overcast_${b.action}`,
                text: { type: 'plain_text', text: b.label },
                url: b.url,
                ...(b.action === 'acknowledge' ? { style: 'primary' } : { style: 'danger' }),
              })),
            },
          ]
        : []),
    ],
  },
});
