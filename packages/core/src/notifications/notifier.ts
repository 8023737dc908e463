import { CHAT_KINDS, isChatKind } from '@overcast/contracts';
import type { NotificationChannel } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { outboundRules } from '../outbound';
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

/** What delivering needs: the channels and their secrets, the mailer, and the outbound rules. */
export type NotifierRuntime = Pick<Runtime, 'db' | 'box' | 'settings' | 'mailer' | 'logger'>;

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

  constructor(private readonly runtime: NotifierRuntime) {}

  /** `kind: 'chat'` picks every chat platform's channels. */
  private channels(organizationId: string, filter: { kind?: string; channelId?: string }) {
    const key = `${organizationId}:${filter.kind ?? ''}:${filter.channelId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CHANNEL_CACHE_MS) return hit.channels;
    const channels = this.runtime.db.prisma.notificationChannel.findMany({
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
      this.runtime.logger.warn({ channelId: r.channelId, err: r.error }, 'notification not delivered');
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
      ? chatMessageOf(this.runtime.settings, organizationId, message, extra)
      : null;
    return Promise.all(channels.map((c) => this.send(c, message, extra, chat)));
  }

  /** "Send test" from the settings page: one channel, enabled or not. */
  async test(organizationId: string, channelId: string): Promise<DeliveryResult> {
    const channel = await repos(this.runtime.db).notificationChannels.getInOrg(organizationId, channelId);
    const message: NotificationMessage = {
      subject: `Test notification from Overcast`,
      text: `This is a test of the notification channel "${channel.name}". If you can read it, it works.\n\n${this.runtime.settings.publicUrl}`,
      severity: 'info',
    };
    const extra = { test: true };
    return this.send(
      channel,
      message,
      extra,
      chatMessageOf(this.runtime.settings, organizationId, message, extra),
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
        if (chat)
          await deliverChat(
            kind,
            openChatTarget(this.runtime.box, channel),
            chat,
            outboundRules(this.runtime.settings),
          );
      } else if (kind === 'email') {
        await sendEmail(this.runtime.mailer, config.recipients ?? [], message);
      } else {
        await postWebhook(
          config.url ?? '',
          openWebhookSecret(this.runtime.box, channel),
          {
            ...extra,
            organizationId: channel.organizationId,
            subject: message.subject,
            text: message.text,
            severity: message.severity ?? 'info',
            sentAt: new Date().toISOString(),
          },
          outboundRules(this.runtime.settings),
        );
      }
      return { ...base, ok: true };
    } catch (err) {
      return { ...base, ok: false, error: (err as Error).message };
    }
  }
}

export const createNotifier = (runtime: NotifierRuntime): ChannelNotifier => new ChannelNotifier(runtime);
