import { randomBytes } from 'node:crypto';
import {
  type NotificationChannel as ChannelView,
  type CreateNotificationChannelRequest,
  isChatKind,
  type UpdateNotificationChannelRequest,
} from '@overcast/contracts';
import { type Database, isUniqueViolation, type NotificationChannel } from '@overcast/db';
import type { Runtime, SecretBox } from '@overcast/runtime';
import { type OrgActor, recordAudit } from '../audit';
import { DomainError } from '../errors';
import { assertOutboundAllowed, outboundRules } from '../outbound';
import { repos } from '../repositories';
import type { CloudRuntime } from '../runtime';
import {
  channelSecretAad,
  chatTargetFrom,
  destinationOf,
  openChatTarget,
  refuseNtfyFields,
  sealChatTarget,
} from './chat';

interface ChannelConfig {
  recipients?: string[];
  url?: string;
  /** Chat channels: where they post, without the secret part (the address itself is sealed). */
  destination?: string;
}

const viewOf = (row: NotificationChannel, config: ChannelConfig) =>
  row.kind === 'email'
    ? { recipients: config.recipients ?? [] }
    : isChatKind(row.kind)
      ? { destination: config.destination ?? '' }
      : { url: config.url ?? '' };

export function channelView(row: NotificationChannel, secret?: string): ChannelView {
  const config = row.config as ChannelConfig;
  return {
    id: row.id,
    kind: row.kind as ChannelView['kind'],
    name: row.name,
    enabled: row.enabled,
    ...viewOf(row, config),
    ...(secret ? { secret } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

/** The webhook's signing secret; bound to the row id so it cannot be copied onto another row. */
export const openWebhookSecret = (box: SecretBox, row: Pick<NotificationChannel, 'id' | 'secret'>) =>
  row.secret ? box.open(row.secret, channelSecretAad(row.id)).toString('utf8') : '';

export async function listChannels(db: Database, organizationId: string): Promise<ChannelView[]> {
  const rows = await db.prisma.notificationChannel.findMany({
    where: { organizationId },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
  });
  return rows.map((r) => channelView(r));
}

const nameTaken = (name: string) =>
  new DomainError('conflict', 'channel_name_taken', `A notification channel named "${name}" already exists.`);

/** A webhook must point where the guard lets requests go, judged when it is saved and again when used. */
const checkWebhookUrl = (url: string, settings: Runtime['settings']) =>
  assertOutboundAllowed(url, { purpose: 'webhook', rules: outboundRules(settings) });

export async function createChannel(
  runtime: CloudRuntime,
  actor: OrgActor,
  input: CreateNotificationChannelRequest,
): Promise<ChannelView> {
  const { kind } = input;
  if (isChatKind(kind)) {
    const target = await chatTargetFrom(kind, input, null, outboundRules(runtime.settings));
    return insertChannel(runtime, actor, input, { destination: destinationOf(target) }, (id) =>
      sealChatTarget(runtime.box, id, target),
    );
  }
  refuseNtfyFields(input);
  if (input.kind === 'email' && !input.recipients?.length)
    throw new DomainError('invalid', 'validation_failed', 'body.recipients is needed for an email channel.');
  if (input.kind === 'webhook' && !input.url)
    throw new DomainError('invalid', 'validation_failed', 'body.url is needed for a webhook.');
  if (input.kind === 'email' ? input.url : input.recipients)
    throw new DomainError(
      'invalid',
      'validation_failed',
      input.kind === 'email'
        ? 'body.url applies to webhooks only.'
        : 'body.recipients applies to email channels only.',
    );
  if (input.kind === 'webhook') await checkWebhookUrl(input.url!, runtime.settings);
  const secret = input.kind === 'webhook' ? randomBytes(32).toString('hex') : undefined;
  const config: ChannelConfig =
    input.kind === 'email' ? { recipients: [...new Set(input.recipients)] } : { url: input.url! };
  return insertChannel(
    runtime,
    actor,
    input,
    config,
    (id) => (secret ? new Uint8Array(runtime.box.seal(secret, channelSecretAad(id))) : null),
    secret,
  );
}

/** Writes the row (its secret sealed under its id) and the audit event. */
async function insertChannel(
  runtime: Pick<Runtime, 'db'>,
  actor: OrgActor,
  input: CreateNotificationChannelRequest,
  config: ChannelConfig,
  seal: (id: string) => Uint8Array<ArrayBuffer> | null,
  shownSecret?: string,
): Promise<ChannelView> {
  const id = crypto.randomUUID();
  let row: NotificationChannel;
  try {
    row = await runtime.db.prisma.notificationChannel.create({
      data: {
        id,
        organizationId: actor.organizationId,
        kind: input.kind,
        name: input.name.trim(),
        config: config as object,
        enabled: input.enabled ?? true,
        secret: seal(id),
      },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  await recordAudit(runtime.db, actor, {
    action: 'notification_channel.create',
    resourceKind: 'notification_channel',
    resourceId: row.id,
    details: { name: row.name, kind: row.kind },
  });
  return channelView(row, shownSecret);
}

export async function updateChannel(
  runtime: Pick<Runtime, 'db' | 'box' | 'settings'>,
  actor: OrgActor,
  id: string,
  input: UpdateNotificationChannelRequest,
): Promise<ChannelView> {
  const { db, box } = runtime;
  const row = await repos(db).notificationChannels.getInOrg(actor.organizationId, id);
  const config = { ...(row.config as ChannelConfig) };
  let secret: Uint8Array<ArrayBuffer> | undefined;
  const kind = row.kind;
  if (isChatKind(kind)) {
    if (input.url !== undefined || input.topic !== undefined || input.accessToken !== undefined) {
      const target = await chatTargetFrom(
        kind,
        input,
        openChatTarget(box, row),
        outboundRules(runtime.settings),
      );
      config.destination = destinationOf(target);
      secret = sealChatTarget(box, row.id, target);
    }
  } else {
    refuseNtfyFields(input);
  }
  if (input.recipients !== undefined) {
    if (row.kind !== 'email')
      throw new DomainError(
        'invalid',
        'validation_failed',
        'body.recipients applies to email channels only.',
      );
    config.recipients = [...new Set(input.recipients)];
  }
  if (input.url !== undefined && !isChatKind(kind)) {
    if (row.kind !== 'webhook')
      throw new DomainError('invalid', 'validation_failed', 'body.url applies to webhook channels only.');
    await checkWebhookUrl(input.url, runtime.settings);
    config.url = input.url;
  }
  let updated: NotificationChannel;
  try {
    updated = await db.prisma.notificationChannel.update({
      where: { id: row.id },
      data: {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(secret ? { secret } : {}),
        config: config as object,
      },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? '');
    throw err;
  }
  await recordAudit(db, actor, {
    action: 'notification_channel.update',
    resourceKind: 'notification_channel',
    resourceId: row.id,
    // The names of what changed, never the values: a chat address or token is a secret.
    details: { name: updated.name, changed: Object.keys(input) },
  });
  return channelView(updated);
}

export async function deleteChannel(db: Database, actor: OrgActor, id: string): Promise<void> {
  const row = await repos(db).notificationChannels.getInOrg(actor.organizationId, id);
  await db.prisma.notificationChannel.delete({ where: { id: row.id } });
  await recordAudit(db, actor, {
    action: 'notification_channel.delete',
    resourceKind: 'notification_channel',
    resourceId: row.id,
    details: { name: row.name, kind: row.kind },
  });
}
