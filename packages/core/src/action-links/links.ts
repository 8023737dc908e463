import type { ActionLinkAction } from '@overcast/contracts';
import type { Settings } from '@overcast/runtime';
import { actionLinkKey, signActionLink } from './token';

export type ActionLinkSettings = Pick<Settings, 'publicUrl'> & {
  secrets: Pick<Settings['secrets'], 'sessionSecret'>;
  monitoring: Pick<Settings['monitoring'], 'actionLinkHours'>;
};

/** One button of an incident message: it opens Overcast's confirm page for its token. */
export interface ActionButton {
  action: ActionLinkAction;
  label: string;
  url: string;
  token: string;
}

const LABELS: Record<ActionLinkAction, string> = {
  acknowledge: 'Acknowledge',
  reboot: 'Reboot',
  stop: 'Stop',
};

/** Where the web app's confirm page for a token is. */
export const actionPageUrl = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/+$/, '')}/act/${token}`;

/**
 * The buttons of a newly opened incident: Acknowledge, and Reboot and Stop when it is about a
 * machine. Each carries its own single-use token; none acts until a logged-in person confirms.
 */
export function incidentActionButtons(
  settings: ActionLinkSettings,
  incident: { organizationId: string; incidentId: string; machineId: string | null },
  now = Date.now(),
): ActionButton[] {
  const key = actionLinkKey(settings.secrets.sessionSecret);
  const actions: ActionLinkAction[] = incident.machineId
    ? ['acknowledge', 'reboot', 'stop']
    : ['acknowledge'];
  return actions.map((action) => {
    const token = signActionLink(
      key,
      { ...incident, action },
      settings.monitoring.actionLinkHours * 3600,
      now,
    );
    return { action, label: LABELS[action], url: actionPageUrl(settings.publicUrl, token), token };
  });
}
