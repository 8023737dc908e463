/** A message for the people of an organization. */
export interface NoticeMessage {
  subject: string;
  text: string;
  severity?: 'info' | 'warning' | 'critical';
}

/**
 * Delivers notices (schedule "notify" actions, expiration warnings). Schedules and expiration
 * receive one as a dependency, so the channel behind it (event stream, email, webhooks) can change
 * without them knowing.
 */
export interface Notifier {
  notify(organizationId: string, message: NoticeMessage): Promise<void>;
}
