import { createTransport } from 'nodemailer';
import type { Settings } from './settings';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Whether outgoing email is configured (settings.smtp.host). */
export const mailEnabled = (settings: Settings): boolean => settings.smtp.host.trim() !== '';

/** Sends one plain-text email through the configured SMTP server. */
export async function sendMail(settings: Settings, message: MailMessage): Promise<void> {
  const { host, port, secure, user, password, from } = settings.smtp;
  const transport = createTransport({
    host,
    port,
    secure,
    auth: user ? { user, pass: password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  try {
    await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
  } finally {
    transport.close();
  }
}
