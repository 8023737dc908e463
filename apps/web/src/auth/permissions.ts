import type { Role } from '../api/types';
import { useSession } from './SessionContext';

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export interface Permissions {
  /** Add, change and delete clouds (admin and above). */
  manageClouds: boolean;
  /** Act on machines and volumes, create them, refresh clouds (member and above). */
  operate: boolean;
}

/** What the signed-in role may do; the API enforces the same rules. */
export function usePermissions(): Permissions {
  const { role } = useSession();
  return { manageClouds: RANK[role] >= RANK.admin, operate: RANK[role] >= RANK.member };
}
