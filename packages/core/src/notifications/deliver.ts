import { createHmac } from 'node:crypto';
import type { Mailer } from '@overcast/runtime';
import { DomainError } from '../errors';
import { guardedFetch, OUTBOUND_REFUSED, type OutboundRules } from '../outbound';

export interface NotificationMessage {
  subject: string;
  text: string;
  severity?: 'info' | 'warning' | 'critical';
}

/** Header carrying `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"). */
export const SIGNATURE_HEADER = 'x-overcast-signature';
/** Unix seconds the signature covers: receivers reject old ones to stop replays. */
export const TIMESTAMP_HEADER = 'x-overcast-timestamp';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The one thing said when a webhook fails for any reason but the guard: a refused connection,
 * a timeout, an answer that is not 2xx. Telling them apart would let whoever sets the URL map
 * which ports answer on the hosts Overcast can reach.
 */
export const WEBHOOK_NOT_DELIVERED =
  'the webhook could not be delivered: the receiver must accept a POST with a 2xx answer within 10 s';

/** POSTs the JSON payload, signed, to an address the guard allows; anything but a 2xx within 10 s fails. */
export async function postWebhook(
  url: string,
  secret: string,
  payload: unknown,
  rules: OutboundRules,
): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  await postJson(
    url,
    body,
    {
      'user-agent': 'Overcast-Webhook',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
    },
    rules,
    WEBHOOK_NOT_DELIVERED,
  );
}

/**
 * POSTs a JSON body to an address the guard allows. Any failure but the guard's is `notDelivered`,
 * one sentence for all (see WEBHOOK_NOT_DELIVERED for why).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  rules: OutboundRules,
  notDelivered: string,
): Promise<void> {
  let status: number;
  try {
    ({ status } = await guardedFetch(
      url,
      {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        headers: { 'content-type': 'application/json', ...headers },
      },
      { purpose: 'webhook', rules },
    ));
  } catch (err) {
    if (err instanceof DomainError && err.code === OUTBOUND_REFUSED) throw err;
    throw new Error(notDelivered);
  }
  if (status < 200 || status >= 300) throw new Error(notDelivered);
}

/** Sends the message through the runtime's mailer, its severity in front of the subject. */
export async function sendEmail(
  mailer: Pick<Mailer, 'send'>,
  recipients: string[],
  message: NotificationMessage,
): Promise<void> {
  const prefix =
    message.severity === 'critical' ? '[critical] ' : message.severity === 'warning' ? '[warning] ' : '';
  await mailer.send({ to: recipients, subject: `${prefix}${message.subject}`, text: message.text });
}
