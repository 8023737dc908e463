import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
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

type Smtp = Settings['smtp'];

/** One transport per SMTP configuration, reused across messages. */
const transports = new Map<string, Transporter>();

function transportFor(smtp: Smtp): Transporter {
  const key = JSON.stringify(smtp);
  let t = transports.get(key);
  if (!t) {
    t = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    transports.set(key, t);
  }
  return t;
}

export async function sendEmail(
  smtp: Smtp,
  recipients: string[],
  message: NotificationMessage,
): Promise<void> {
  if (!smtp.host) {
    throw new Error('email is not configured: set smtp.host (and smtp.from) in settings.json, then restart');
  }
  const prefix =
    message.severity === 'critical' ? '[critical] ' : message.severity === 'warning' ? '[warning] ' : '';
  try {
    await transportFor(smtp).sendMail({
      from: smtp.from,
      to: recipients,
      subject: `${prefix}${message.subject}`.slice(0, 250),
      text: message.text,
    });
  } catch (err) {
    throw new Error(`the SMTP server ${smtp.host}:${smtp.port} refused the email: ${(err as Error).message}`);
  }
}
