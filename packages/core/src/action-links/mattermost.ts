import type { Database } from '@overcast/db';
import { DomainError } from '../errors';
import { type ActionLinkSettings, actionPageUrl } from './links';
import { actionLinkKey, verifyActionLink } from './token';

const VERB = {
  acknowledge: 'acknowledge the incident',
  reboot: 'reboot the machine',
  stop: 'stop the machine',
};

/**
 * What Overcast answers a Mattermost button with, shown to the presser alone: the confirm page's
 * link. Mattermost cannot say who the person is in Overcast, so nothing acts here; the page asks
 * them to log in and confirm. A bad, spent or expired token is answered in words, not an error.
 */
export async function mattermostButtonAnswer(
  runtime: { db: Database; settings: ActionLinkSettings },
  token: string,
): Promise<string> {
  try {
    const claims = verifyActionLink(actionLinkKey(runtime.settings.secrets.sessionSecret), token);
    const used = await runtime.db.prisma.actionLinkUse.findUnique({ where: { tokenId: claims.tokenId } });
    if (used)
      return 'This button was used already; each works once. Open the incident in Overcast to act again.';
    return `To ${VERB[claims.action]}, open ${actionPageUrl(runtime.settings.publicUrl, token)} and confirm; Overcast does it as you, if you may.`;
  } catch (err) {
    if (err instanceof DomainError) return err.message;
    throw err;
  }
}
