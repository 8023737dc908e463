import type {
  ApiTokenView,
  AuditEventView,
  AuditPage,
  ChangePasswordRequest,
  CreateApiTokenRequest,
  CreatedInvitation,
  InvitationLookup,
  InvitationView,
  Member,
  OrganizationList,
  PasswordChanged,
  Role,
  SessionView,
  Team,
  TeamPolicyInput,
  UpdateProfileRequest,
} from '@overcast/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from './client';
import type { ListOf, Session } from './types';

export type { ApiTokenView, AuditEventView, InvitationView, Member, SessionView, Team, TeamPolicyInput };

export const organizationsQuery = queryOptions({
  queryKey: ['organizations'] as const,
  queryFn: ({ signal }) => api.get<OrganizationList>('/organizations', { signal }).then((r) => r.items),
  staleTime: 60_000,
});
export const switchOrganization = (organizationId: string) =>
  api.post<Session>('/auth/switch', { organizationId });

export const membersQuery = queryOptions({
  queryKey: ['members'] as const,
  queryFn: ({ signal }) => api.get<ListOf<Member>>('/members', { signal }).then((r) => r.items),
  staleTime: 30_000,
});
export const setMemberRole = (userId: string, role: Role) => api.patch<void>(`/members/${userId}`, { role });
export const removeMember = (userId: string) => api.delete<void>(`/members/${userId}`);

export const invitationsQuery = queryOptions({
  queryKey: ['invitations'] as const,
  queryFn: ({ signal }) => api.get<ListOf<InvitationView>>('/invitations', { signal }).then((r) => r.items),
  staleTime: 30_000,
});
export const invite = (email: string, role: Role) =>
  api.post<CreatedInvitation>('/invitations', { email, role });
export const withdrawInvitation = (id: string) => api.delete<void>(`/invitations/${id}`);
export const lookupInvitation = (token: string, signal?: AbortSignal) =>
  api.post<InvitationLookup>(
    '/invitations/lookup',
    { token },
    {
      signal,
      endSessionOnUnauthorized: false,
    },
  );
export const acceptInvitation = (body: { token: string; password: string; name?: string }) =>
  api.post<Session>('/invitations/accept', body, { endSessionOnUnauthorized: false });

export const teamsQuery = queryOptions({
  queryKey: ['teams'] as const,
  queryFn: ({ signal }) => api.get<ListOf<Team>>('/teams', { signal }).then((r) => r.items),
  staleTime: 30_000,
});
export const createTeam = (name: string, description?: string) =>
  api.post<Team>('/teams', { name, description });
export const deleteTeam = (id: string) => api.delete<void>(`/teams/${id}`);
export const setTeamMembers = (id: string, userIds: string[]) =>
  api.put<Team>(`/teams/${id}/members`, { userIds });
export const setTeamPolicies = (id: string, policies: TeamPolicyInput[]) =>
  api.put<Team>(`/teams/${id}/policies`, { policies });

export const tokensQuery = queryOptions({
  queryKey: ['me', 'tokens'] as const,
  queryFn: ({ signal }) => api.get<ListOf<ApiTokenView>>('/me/tokens', { signal }).then((r) => r.items),
});
export const createToken = (body: CreateApiTokenRequest) =>
  api.post<{ token: string; apiToken: ApiTokenView }>('/me/tokens', body);
export const revokeToken = (id: string) => api.delete<void>(`/me/tokens/${id}`);

export const sessionsQuery = queryOptions({
  queryKey: ['me', 'sessions'] as const,
  queryFn: ({ signal }) => api.get<ListOf<SessionView>>('/me/sessions', { signal }).then((r) => r.items),
});
export const revokeSession = (id: string) => api.delete<void>(`/me/sessions/${id}`);
export const logOutEverywhere = () => api.post<{ revoked: number }>('/me/sessions/revoke-all');

export const updateProfile = (body: UpdateProfileRequest) => api.patch<Session>('/me', body);
export const changePassword = (body: ChangePasswordRequest) =>
  api.post<PasswordChanged>('/me/password', body);

export const startTotp = () => api.post<{ secret: string; otpauthUrl: string }>('/me/totp');
export const confirmTotp = (code: string) => api.post<{ codes: string[] }>('/me/totp/confirm', { code });
export const disableTotp = (password: string) => api.post<void>('/me/totp/disable', { password });

export interface AuditFilters {
  user?: string;
  resource?: string;
  action?: string;
  result?: 'success' | 'failure' | 'denied';
  from?: string;
  to?: string;
}

export const auditQuery = (filters: AuditFilters) =>
  queryOptions({
    queryKey: ['audit', filters] as const,
    queryFn: ({ signal }) => api.get<AuditPage>(withQuery('/audit', { ...filters, limit: 100 }), { signal }),
  });
export const auditPage = (filters: AuditFilters, before: string) =>
  api.get<AuditPage>(withQuery('/audit', { ...filters, limit: 100, before }));
export const auditExportUrl = (filters: AuditFilters, format: 'csv' | 'jsonl') =>
  `/api/v1${withQuery('/audit/export', { ...filters, format })}`;
