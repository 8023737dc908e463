import type { Role, TokenScope } from '@overcast/db';
import type { Policy } from '../authz/policy';

/** Who is calling, resolved from a session cookie or an API token. Every query is scoped by organizationId. */
export interface AuthContext {
  userId: string;
  email: string;
  name: string;
  organizationId: string;
  organizationName: string;
  organizationSlug: string;
  role: Role;
  /** The policies of the caller's teams in this organization; empty when none apply. */
  policies: Policy[];
  /** Whether the user logs in with a second factor. */
  totpEnabled: boolean;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  /** Only for tokens: a read-only token may not change anything. */
  tokenScope?: TokenScope;
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
