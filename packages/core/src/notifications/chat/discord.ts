import { type ChatFormat, clip, SEVERITY_COLOUR, SEVERITY_WORD } from './message';

/**
 * A Discord webhook message with one embed, coloured by severity. Webhooks not owned by an
 * application cannot carry buttons, so the actions are links in a field.
 */
export const discordMessage: ChatFormat = (message, target) => ({
  url: target.url,
  body: {
    username: 'Overcast',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: clip(message.subject, 256),
        description: clip(message.text, 4096),
        ...(message.incidentUrl ? { url: message.incidentUrl } : {}),
        color: Number.parseInt(SEVERITY_COLOUR[message.severity].slice(1), 16),
        timestamp: new Date().toISOString(),
        fields: [
          { name: 'Severity', value: SEVERITY_WORD[message.severity], inline: true },
          ...(message.buttons.length
            ? [{ name: 'Act', value: message.buttons.map((b) => `[${b.label}](${b.url})`).join(' · ') }]
            : []),
        ],
        footer: { text: 'Overcast' },
      },
    ],
  },
});
