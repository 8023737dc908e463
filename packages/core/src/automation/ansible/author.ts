import type { Database } from '@overcast/db';
import type { OrgActor } from '../../audit';
import { DomainError } from '../../errors';

/**
 * A playbook runs on the worker as well as on the machines (lookups, `delegate_to: localhost`
 * and templates read the worker's files), so writing one is trusted like administering the
 * organization: only owners and admins save one, as an ansible script or as a template's ansible
 * step. Running it is authorized per machine as for any script.
 */
export async function mayWriteAnsible(
  db: Database,
  actor: OrgActor,
  /** What is being saved, for the refusal: "ansible scripts", "a template with an ansible step". */
  what: string,
): Promise<void> {
  const membership = actor.userId
    ? await db.prisma.membership.findUnique({
        where: { organizationId_userId: { organizationId: actor.organizationId, userId: actor.userId } },
      })
    : null;
  if (membership?.role === 'owner' || membership?.role === 'admin') return;
  throw new DomainError(
    'forbidden',
    'ansible_admins_only',
    `Only owners and admins may write ${what}: a playbook also runs on the worker. Ask an admin to save it.`,
  );
}
