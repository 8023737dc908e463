import type { AuthzAction, ResourceKind } from '@overcast/contracts/authz';
import type { Role } from '../api/types';
import { useSession } from './SessionContext';

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export interface Permissions {
  /** Whether the caller may take `action` on at least some resources of `kind` (roles and team policies). */
  can(kind: ResourceKind, action: AuthzAction): boolean;
  /** Add clouds. */
  manageClouds: boolean;
  /** Start, stop and reboot machines. */
  operate: boolean;
  /** Invite and remove people, manage teams and their policies (admins and owners). */
  manageOrganization: boolean;
}

/**
 * What the signed-in user may do, from the permissions the API computed for them. Buttons they
 * may not use are hidden; the API refuses anyway.
 */
export function usePermissions(): Permissions {
  const { role, permissions } = useSession();
  const can = (kind: ResourceKind, action: AuthzAction) => permissions[kind]?.includes(action) ?? false;
  return {
    can,
    manageClouds: can('clouds', 'create'),
    operate: can('machines', 'act'),
    manageOrganization: RANK[role] >= RANK.admin,
  };
}
