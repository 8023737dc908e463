import type { Role } from '../api/types';

const labels: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export function roleLabel(role: Role): string {
  return labels[role] ?? role;
}
