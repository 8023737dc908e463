import { type Static, Type as T, type TLiteral } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

// Chat channels (Slack, Microsoft Teams, Discord, Mattermost, ntfy) and the action links their
// incident messages carry.

/** The chat platforms a channel can post to, each in its own message format. */
export const CHAT_KINDS = ['slack', 'teams', 'discord', 'mattermost', 'ntfy'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];
export const isChatKind = (kind: string): kind is ChatKind =>
  (CHAT_KINDS as readonly string[]).includes(kind);

/** Every kind of notification channel. */
export const CHANNEL_KINDS = ['email', 'webhook', ...CHAT_KINDS] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const ChannelKindSchema = T.Union(CHANNEL_KINDS.map((k) => T.Literal(k)) as [TLiteral<ChannelKind>], {
  description: 'email, webhook, or a chat platform: slack, teams, discord, mattermost, ntfy',
});

/** What a button in an incident message does. */
export const ACTION_LINK_ACTIONS = ['acknowledge', 'reboot', 'stop'] as const;
export type ActionLinkAction = (typeof ACTION_LINK_ACTIONS)[number];

/** The link's token travels in the body, never in a URL the server would log. */
export const ActionLinkRequest = Strict({
  token: T.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_.-]+$' }),
});
export type ActionLinkRequest = Static<typeof ActionLinkRequest>;

/** What pressing the button will do, shown before the person confirms. */
export const ActionLinkPreview = T.Object({
  action: T.Unsafe<ActionLinkAction>({ type: 'string', enum: [...ACTION_LINK_ACTIONS] }),
  incidentId: Uuid,
  ruleName: T.String(),
  incidentStatus: T.Union([T.Literal('open'), T.Literal('resolved')]),
  machineId: T.Union([Uuid, T.Null()]),
  machineName: T.Union([T.String(), T.Null()]),
  expiresAt: IsoDateTime,
  acknowledgedAt: T.Union([IsoDateTime, T.Null()]),
});
export type ActionLinkPreview = Static<typeof ActionLinkPreview>;

export const ActionLinkResult = T.Object({
  action: T.Unsafe<ActionLinkAction>({ type: 'string', enum: [...ACTION_LINK_ACTIONS] }),
  incidentId: Uuid,
  message: T.String({ description: 'What was done, in words' }),
});
export type ActionLinkResult = Static<typeof ActionLinkResult>;

const MattermostField = T.Optional(T.String({ maxLength: 256 }));

/**
 * What a Mattermost server POSTs when an attachment button is pressed: who and where, as
 * Mattermost documents it, and the context the button was given (the action link's token).
 */
export const MattermostActionCall = Strict({
  user_id: MattermostField,
  user_name: MattermostField,
  channel_id: MattermostField,
  channel_name: MattermostField,
  team_id: MattermostField,
  team_domain: MattermostField,
  post_id: MattermostField,
  trigger_id: T.Optional(T.String({ maxLength: 4096 })),
  type: MattermostField,
  data_source: MattermostField,
  context: Strict({ token: ActionLinkRequest.properties.token }),
});
export type MattermostActionCall = Static<typeof MattermostActionCall>;

/** Mattermost shows `ephemeral_text` to the person who pressed the button only. */
export const MattermostActionAnswer = T.Object({ ephemeral_text: T.String() });
