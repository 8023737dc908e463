import type { ChatKind } from '@overcast/contracts';
import type { SecretBox } from '@overcast/runtime';
import { DomainError } from '../../errors';
import { assertOutboundAllowed, type OutboundRules } from '../../outbound';
import type { ChatTarget } from './message';

/** A channel's sealed secret is bound to its row id, so it cannot be copied onto another row. */
export const channelSecretAad = (id: string) => `notification_channel:${id}`;

export const sealChatTarget = (box: SecretBox, id: string, target: ChatTarget) =>
  new Uint8Array(box.seal(JSON.stringify(target), channelSecretAad(id)));

export function openChatTarget(box: SecretBox, row: { id: string; secret: Uint8Array | null }): ChatTarget {
  if (!row.secret) return { url: '' };
  return JSON.parse(box.open(row.secret, channelSecretAad(row.id)).toString('utf8')) as ChatTarget;
}

/** What the channel list shows: the server, never the path or topic that hold the secret. */
export const destinationOf = (target: ChatTarget) => `${new URL(target.url).origin}/…`;

const invalid = (message: string) => new DomainError('invalid', 'validation_failed', message);

/** The ntfy-only fields, refused by name on any other kind. */
export function refuseNtfyFields(input: { topic?: string; accessToken?: string }): void {
  for (const field of ['topic', 'accessToken'] as const)
    if (input[field] !== undefined) throw invalid(`body.${field} applies to ntfy channels only.`);
}

/**
 * A chat channel's target from the request, over what it had (a change may give one field):
 * a URL the outbound guard allows, and for ntfy a topic. Fields of other kinds are refused by name.
 */
export async function chatTargetFrom(
  kind: ChatKind,
  input: { url?: string; topic?: string; accessToken?: string; recipients?: string[] },
  previous: ChatTarget | null,
  outbound: OutboundRules,
): Promise<ChatTarget> {
  if (input.recipients) throw invalid('body.recipients applies to email channels only.');
  if (kind !== 'ntfy') refuseNtfyFields(input);
  const target: ChatTarget = {
    url: input.url ?? previous?.url ?? '',
    ...(kind === 'ntfy' ? { topic: input.topic ?? previous?.topic } : {}),
    ...(kind === 'ntfy' && (input.accessToken ?? previous?.accessToken)
      ? { accessToken: input.accessToken ?? previous?.accessToken }
      : {}),
  };
  if (!target.url)
    throw invalid(
      kind === 'ntfy'
        ? 'body.url is needed: the ntfy server, such as https://ntfy.sh.'
        : 'body.url is needed: the incoming-webhook URL the platform gave you.',
    );
  if (kind === 'ntfy' && !target.topic) throw invalid('body.topic is needed for an ntfy channel.');
  if (input.url !== undefined)
    await assertOutboundAllowed(input.url, { purpose: 'webhook', rules: outbound });
  return target;
}
