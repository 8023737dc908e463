import { CHAT_KINDS, isChatKind } from '@overcast/contracts';
import type { Database, NotificationChannel } from '@overcast/db';
import type { Logger, SecretBox, Settings } from '@overcast/runtime';
import type { ActionLinkSettings } from '../action-links/links';
import { type OutboundRules, outboundRules } from '../outbound';
import { repos } from '../repositories';
import { openWebhookSecret } from './channels';
import { type ChatMessage, deliverChat, openChatTarget } from './chat';
import { chatMessageOf } from './chat-message';
import { type NotificationMessage, postWebhook, sendEmail } from './deliver';

export type { NotificationMessage } from './deliver';

/** Delivers a message to an organization's notification channels (email, webhooks, chat). */
export interface Notifier {
  notify(organizationId: string, message: NotificationMessage): Promise<void>;
}

export interface NotifierDeps {
  db: Database;
  box: SecretBox;
  settings: Pick<Settings, 'smtp' | 'publicUrl' | 'outbound'> & ActionLinkSettings;
  logger?: Pick<Logger, 'warn'>;
}

export interface DeliveryResult {
  channelId: string;
  channelName: string;
  kind: string;
  ok: boolean;
  error?: string;
}

/** How long a channel list is reused: a burst of incidents reads it once, and edits still show within seconds. */
const CHANNEL_CACHE_MS = 2_000;

export class ChannelNotifier implements Notifier {
  private readonly cache = new Map<string, { at: number; channels: Promise<NotificationChannel[]> }>();

  private readonly outbound: OutboundRules;

  constructor(private readonly deps: NotifierDeps) {
    this.outbound = outboundRules(deps.settings);
  }

  /** `kind: 'chat'` picks every chat platform's channels. */
  private channels(organizationId: string, filter: { kind?: string; channelId?: string }) {
    const key = `${organizationId}:${filter.kind ?? ''}:${filter.channelId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CHANNEL_CACHE_MS) return hit.channels;
    const channels = this.deps.db.prisma.notificationChannel.findMany({
      where: {
        organizationId,
        enabled: true,
        ...(filter.kind === 'chat'
          ? { kind: { in: [...CHAT_KINDS] } }
          : filter.kind
            ? { kind: filter.kind }
            : {}),
        ...(filter.channelId ? { id: filter.channelId } : {}),
      },
    });
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), channels });
    channels.catch(() => this.cache.delete(key));
    return channels;
  }

  /** Every enabled channel of the organization; a failing channel is logged and does not stop the others. */
  async notify(organizationId: string, message: NotificationMessage): Promise<void> {
    const results = await this.deliver(organizationId, message);
    for (const r of results.filter((r) => !r.ok)) {
      this.deps.logger?.warn({ channelId: r.channelId, err: r.error }, 'notification not delivered');
    }
  }

  /** Delivers to the enabled channels picked by `filter` and says how each went. */
  async deliver(
    organizationId: string,
    message: NotificationMessage,
    filter: { kind?: 'email' | 'webhook' | 'chat'; channelId?: string } = {},
    extra: Record<string, unknown> = {},
  ): Promise<DeliveryResult[]> {
    const channels = await this.channels(organizationId, filter);
    // One set of action links per message, whichever chat channels carry it: each acts once.
    const chat = channels.some((c) => isChatKind(c.kind))
      ? chatMessageOf(this.deps.settings, organizationId, message, extra)
      : null;
    return Promise.all(channels.map((c) => this.send(c, message, extra, chat)));
  }

  /** "Send test" from the settings page: one channel, enabled or not. */
  async test(organizationId: string, channelId: string): Promise<DeliveryResult> {
    const channel = await repos(this.deps.db).notificationChannels.getInOrg(organizationId, channelId);
    const message: NotificationMessage = {
      subject: `Test notification from Overcast`,
      text: `This is a test of the notification channel "${channel.name}". If you can read it, it works.\n\n${this.deps.settings.publicUrl}`,
      severity: 'info',
    };
    const extra = { test: true };
    return this.send(
      channel,
      message,
      extra,
      chatMessageOf(this.deps.settings, organizationId, message, extra),
    );
  }

  private async send(
    channel: NotificationChannel,
    message: NotificationMessage,
    extra: Record<string, unknown>,
    chat: ChatMessage | null,
  ): Promise<DeliveryResult> {
    const base = { channelId: channel.id, channelName: channel.name, kind: channel.kind };
    const config = channel.config as { recipients?: string[]; url?: string };
    const kind = channel.kind;
    try {
      if (isChatKind(kind)) {
        if (chat) await deliverChat(kind, openChatTarget(this.deps.box, channel), chat, this.outbound);
      } else if (kind === 'email') {
        await sendEmail(this.deps.settings.smtp, config.recipients ?? [], message);
      } else {
        await postWebhook(
          config.url ?? '',
          openWebhookSecret(this.deps.box, channel),
          {
            ...extra,
            organizationId: channel.organizationId,
            subject: message.subject,
            text: message.text,
            severity: message.severity ?? 'info',
            sentAt: new Date().toISOString(),
          },
          this.outbound,
        );
      }
      return { ...base, ok: true };
    } catch (err) {
      return { ...base, ok: false, error: (err as Error).message };
    }
  }
}

export const createNotifier = (deps: NotifierDeps): ChannelNotifier => new ChannelNotifier(deps);
