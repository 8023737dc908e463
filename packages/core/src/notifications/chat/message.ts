import type { ActionButton } from '../../action-links/links';

export type Severity = 'info' | 'warning' | 'critical';

/** What a chat message says, whatever the platform draws it with. */
export interface ChatMessage {
  subject: string;
  text: string;
  severity: Severity;
  /** The incident's page in Overcast, when the message is about one. */
  incidentUrl?: string;
  /** Acknowledge / Reboot / Stop for a newly opened incident; empty otherwise. */
  buttons: ActionButton[];
  /** Where a Mattermost server calls when one of its attachment buttons is pressed. */
  mattermostActionUrl: string;
}

/** Where a chat channel posts; the address holds the platform's secret, so it is stored sealed. */
export interface ChatTarget {
  url: string;
  /** ntfy only. */
  topic?: string;
  /** ntfy only: an access token for a protected topic. */
  accessToken?: string;
}

/** The one request that delivers a message to a platform. */
export interface ChatRequest {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}

export type ChatFormat = (message: ChatMessage, target: ChatTarget) => ChatRequest;

/** Colours by severity, as #rrggbb: red, amber, blue. */
export const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '#d93f3f',
  warning: '#e8a317',
  info: '#2f81f7',
};

export const SEVERITY_WORD: Record<Severity, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

/** Trims to a platform's length limit, marking the cut. */
export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
