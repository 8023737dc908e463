import type { ActionLinkPreview, ActionLinkResult, TimelineEntry } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { authorizeMachineAction, type OnBehalfOf, type Principal } from '../authz';
import { DomainError } from '../errors';
import { machineAction } from '../machines/actions';
import { repos } from '../repositories';
import { getIncident } from '../rules/incidents';
import type { ActionRuntime } from '../runtime';
import type { ActionLinkSettings } from './links';
import { type ActionLinkClaims, actionLinkKey, verifyActionLink } from './token';

/** The person who opened the link, logged in: the one the action runs for and is audited as. */
export interface LinkHolder {
  actor: OrgActor & { userId: string };
  principal: Principal;
}

const PAST: Record<ActionLinkClaims['action'], string> = {
  acknowledge: 'acknowledged',
  reboot: 'reboot requested',
  stop: 'stop requested',
};

/** A token this Overcast signed, unexpired, for the organization the person is logged in to. */
function claimsFor(settings: ActionLinkSettings, holder: LinkHolder, token: string): ActionLinkClaims {
  const claims = verifyActionLink(actionLinkKey(settings.secrets.sessionSecret), token);
  if (claims.organizationId !== holder.actor.organizationId) {
    throw new DomainError(
      'not_found',
      'action_link_foreign',
      'This action link belongs to another organization. Log in to the organization whose chat sent it.',
    );
  }
  return claims;
}

const alreadyUsed = () =>
  new DomainError(
    'conflict',
    'action_link_used',
    'This action link was used already: each button works once. Open the incident in Overcast to act again.',
  );

async function assertUnused(db: Database, claims: ActionLinkClaims): Promise<void> {
  const used = await db.prisma.actionLinkUse.findUnique({ where: { tokenId: claims.tokenId } });
  if (used) throw alreadyUsed();
}

/** What the link will do, for the confirm page; it changes nothing. */
export async function previewActionLink(
  runtime: { db: Database; settings: ActionLinkSettings },
  holder: LinkHolder,
  token: string,
): Promise<ActionLinkPreview> {
  const claims = claimsFor(runtime.settings, holder, token);
  await assertUnused(runtime.db, claims);
  const incident = await getIncident(runtime.db, claims.organizationId, claims.incidentId, holder.principal);
  return {
    action: claims.action,
    incidentId: incident.id,
    ruleName: incident.ruleName,
    incidentStatus: incident.status,
    machineId: claims.machineId,
    machineName: claims.machineId ? incident.machineName : null,
    expiresAt: claims.expiresAt.toISOString(),
    acknowledgedAt: incident.acknowledgedAt,
  };
}

/**
 * Does what the link says, as the person holding it, checked as they are now: the machine action
 * through the same authorization and audit as from the machine page. A refusal is audited as
 * theirs and leaves the link usable by someone who may; a use is claimed in one INSERT, so two
 * presses at once act once.
 */
export async function redeemActionLink(
  runtime: ActionRuntime,
  holder: LinkHolder,
  token: string,
): Promise<ActionLinkResult> {
  const { db } = runtime;
  const { actor, principal } = holder;
  const claims = claimsFor(runtime.settings, holder, token);
  await assertUnused(db, claims);
  const incident = await getIncident(db, claims.organizationId, claims.incidentId, principal);
  const who: OnBehalfOf = { label: actor.label, principal };
  const machine =
    claims.action === 'acknowledge' || !claims.machineId
      ? null
      : await repos(db).machines.getInOrg(claims.organizationId, claims.machineId);
  if (machine) {
    try {
      await authorizeMachineAction(db, claims.organizationId, who, machine, 'act');
    } catch (err) {
      await recordAudit(db, actor, {
        action: `machine.${claims.action}`,
        resourceKind: 'machine',
        resourceId: machine.id,
        result: 'denied',
        details: {
          name: machine.name,
          incidentId: incident.id,
          via: 'action link',
          reason: (err as Error).message,
        },
      });
      throw err;
    }
  }
  // A use need only be remembered while its token could still be presented.
  await db.pool.query('DELETE FROM action_link_uses WHERE expires_at < now()');
  const claimed = await db.pool.query(
    `INSERT INTO action_link_uses (token_id, organization_id, used_by, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (token_id) DO NOTHING`,
    [claims.tokenId, claims.organizationId, actor.userId, claims.expiresAt],
  );
  if (claimed.rowCount === 0) throw alreadyUsed();

  if (machine) {
    await machineAction(runtime, actor, machine.id, { action: claims.action as 'reboot' | 'stop' }, who);
  } else {
    await db.pool.query(
      `UPDATE incidents SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL`,
      [incident.id, actor.label],
    );
    await recordAudit(db, actor, {
      action: 'incident.acknowledge',
      resourceKind: 'incident',
      resourceId: incident.id,
      details: { rule: incident.ruleName, machine: incident.machineName, via: 'action link' },
    });
  }
  const what = machine ? `${machine.name}: ${PAST[claims.action]}` : `Incident ${PAST[claims.action]}`;
  const entry: TimelineEntry = {
    at: new Date().toISOString(),
    kind: 'note',
    message: `${what} by ${actor.label} from a chat message.`,
    ok: true,
  };
  await db.pool.query('UPDATE incidents SET timeline = timeline || $2::jsonb WHERE id = $1', [
    incident.id,
    JSON.stringify([entry]),
  ]);
  return { action: claims.action, incidentId: incident.id, message: `${what}.` };
}
