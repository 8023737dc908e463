import { type ChatFormat, clip, SEVERITY_COLOUR, SEVERITY_WORD } from './message';

/**
 * A Mattermost incoming-webhook message with one attachment. Its buttons call Overcast's
 * integration URL, which answers the presser alone (an ephemeral message) with the confirm link;
 * attachment buttons cannot open a URL themselves. The same links sit in the text for servers
 * that cannot reach Overcast.
 */
export const mattermostMessage: ChatFormat = (message, target) => ({
  url: target.url,
  body: {
    username: 'Overcast',
    attachments: [
      {
        fallback: clip(`${message.subject}: ${message.text}`, 1000),
        color: SEVERITY_COLOUR[message.severity],
        title: clip(message.subject, 500),
        ...(message.incidentUrl ? { title_link: message.incidentUrl } : {}),
        text: clip(
          [message.text, message.buttons.map((b) => `[${b.label}](${b.url})`).join(' · ')]
            .filter(Boolean)
            .join('\n\n'),
          7000,
        ),
        fields: [{ short: true, title: 'Severity', value: SEVERITY_WORD[message.severity] }],
        actions: message.buttons.map((b) => ({
          id: b.action,
          name: b.label,
          type: 'button',
          style: b.action === 'acknowledge' ? 'primary' : 'danger',
          integration: { url: message.mattermostActionUrl, context: { token: b.token } },
        })),
      },
    ],
  },
});
