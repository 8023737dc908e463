import nodemailer, { type Transporter } from 'nodemailer';
import type { Settings } from './settings';

type Smtp = Settings['smtp'];

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
}

/** Whether outgoing email is configured (settings.smtp.host). */
export const mailEnabled = (settings: Pick<Settings, 'smtp'>): boolean => settings.smtp.host.trim() !== '';

/** One pooled transport per SMTP configuration, reused by invitations and notifications alike. */
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

/** Sends one plain-text email through the configured SMTP server; the error says which server refused. */
export async function sendMail(smtp: Smtp, message: MailMessage): Promise<void> {
  if (!smtp.host.trim()) {
    throw new Error('email is not configured: set smtp.host (and smtp.from) in settings.json, then restart');
  }
  try {
    await transportFor(smtp).sendMail({
      from: smtp.from,
      to: message.to,
      subject: message.subject.slice(0, 250),
      text: message.text,
    });
  } catch (err) {
    throw new Error(`the SMTP server ${smtp.host}:${smtp.port} refused the email: ${(err as Error).message}`);
  }
}
