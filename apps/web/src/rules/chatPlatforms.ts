import type { ChannelKind, ChatKind } from '../api/types';

/** What the add-channel form says for each chat platform: the address's name, an example, and where to get it. */
export const CHAT_PLATFORMS: Record<
  ChatKind,
  { name: string; urlLabel: string; placeholder: string; hint: string; buttons: boolean }
> = {
  slack: {
    name: 'Slack',
    urlLabel: 'Incoming webhook URL',
    placeholder: 'https://hooks.slack.com/services/…',
    hint: 'In Slack: your app › Incoming Webhooks › Add New Webhook to Workspace.',
    buttons: true,
  },
  teams: {
    name: 'Microsoft Teams',
    urlLabel: 'Workflow URL',
    placeholder: 'https://prod-00.westeurope.logic.azure.com/workflows/…',
    hint: 'In Teams: the channel › Workflows › "Post to a channel when a webhook request is received".',
    buttons: true,
  },
  discord: {
    name: 'Discord',
    urlLabel: 'Webhook URL',
    placeholder: 'https://discord.com/api/webhooks/…',
    hint: 'In Discord: channel settings › Integrations › Webhooks › New Webhook › Copy Webhook URL. Actions appear as links.',
    buttons: false,
  },
  mattermost: {
    name: 'Mattermost',
    urlLabel: 'Incoming webhook URL',
    placeholder: 'https://chat.example.com/hooks/…',
    hint: 'In Mattermost: Integrations › Incoming Webhooks › Add. Its buttons need Mattermost to reach this Overcast.',
    buttons: true,
  },
  ntfy: {
    name: 'ntfy',
    urlLabel: 'Server',
    placeholder: 'https://ntfy.sh',
    hint: 'The ntfy server; the topic goes below.',
    buttons: true,
  },
};

export const CHAT_KIND_LIST = Object.keys(CHAT_PLATFORMS) as ChatKind[];

/** A channel kind as people name it: "Slack", "Microsoft Teams", "email". */
export const channelKindName = (kind: ChannelKind) =>
  kind in CHAT_PLATFORMS ? CHAT_PLATFORMS[kind as ChatKind].name : kind;
