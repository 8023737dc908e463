import type { ChatKind } from '@overcast/contracts';
import { discordMessage } from './discord';
import { mattermostMessage } from './mattermost';
import type { ChatFormat } from './message';
import { ntfyMessage } from './ntfy';
import { slackMessage } from './slack';
import { teamsMessage } from './teams';

/** Each platform's message format and its name in what people read. */
export const CHAT_FORMATS: Record<ChatKind, { name: string; format: ChatFormat }> = {
  slack: { name: 'Slack', format: slackMessage },
  teams: { name: 'Microsoft Teams', format: teamsMessage },
  discord: { name: 'Discord', format: discordMessage },
  mattermost: { name: 'Mattermost', format: mattermostMessage },
  ntfy: { name: 'ntfy', format: ntfyMessage },
};
