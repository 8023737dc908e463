import { createHmac } from 'node:crypto';
import { sendMail } from '../mail';
import type { Settings } from '../settings';

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

/** POSTs the JSON payload, signed; anything but a 2xx within 10 s is a failure with the reason. */
export async function postWebhook(url: string, secret: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Overcast-Webhook',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      },
    });
  } catch (err) {
    const e = err as Error & { cause?: Error };
    throw new Error(`the webhook ${url} could not be reached: ${e.cause?.message ?? e.message}`);
  }
  await res.body?.cancel().catch(() => {});
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`the webhook ${url} answered ${res.status}; it must answer 2xx`);
  }
}

export async function sendEmail(
  smtp: Settings['smtp'],
  recipients: string[],
  message: NotificationMessage,
): Promise<void> {
  const prefix =
    message.severity === 'critical' ? '[critical] ' : message.severity === 'warning' ? '[warning] ' : '';
  await sendMail(smtp, { to: recipients, subject: `${prefix}${message.subject}`, text: message.text });
}
