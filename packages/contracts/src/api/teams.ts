import { type Static, Type as T } from '@sinclair/typebox';
import { AUTHZ_ACTIONS, RESOURCE_KINDS } from '../authz';
import { IsoDateTime, Role, Strict, Uuid } from './common';

const literals = <V extends string>(values: readonly V[]) =>
  T.Unsafe<V>({ type: 'string', enum: [...values] });
export const ResourceKindValue = literals(RESOURCE_KINDS);
export const AuthzActionValue = literals(AUTHZ_ACTIONS);

/** Kind-wide permissions of the caller, for the UI to hide what it may not use. */
export const Permissions = T.Record(T.String(), T.Array(AuthzActionValue), {
  description: 'Resource kind -> the actions the caller may take on at least some of its resources',
});
export type Permissions = Static<typeof Permissions>;

export const OrganizationMembership = T.Object({ id: Uuid, name: T.String(), slug: T.String(), role: Role });
export const OrganizationList = T.Object({ items: T.Array(OrganizationMembership) });
export type OrganizationList = Static<typeof OrganizationList>;
export const CreateOrganizationRequest = Strict({ name: T.String({ minLength: 1, maxLength: 100 }) });
export const SwitchOrganizationRequest = Strict({ organizationId: Uuid });

export const TeamRef = T.Object({ id: Uuid, name: T.String() });
export const Member = T.Object({
  userId: Uuid,
  email: T.String(),
  name: T.String(),
  role: Role,
  teams: T.Array(TeamRef),
  totpEnabled: T.Boolean(),
  joinedAt: IsoDateTime,
  lastLoginAt: T.Union([T.Null(), IsoDateTime]),
});
export type Member = Static<typeof Member>;
export const MemberList = T.Object({ items: T.Array(Member) });
export const UserIdParams = Strict({ userId: Uuid });
export const UpdateMemberRequest = Strict({ role: Role });

export const InvitationView = T.Object({
  id: Uuid,
  email: T.String(),
  role: Role,
  expiresAt: IsoDateTime,
  acceptedAt: T.Union([T.Null(), IsoDateTime]),
  createdAt: IsoDateTime,
});
export type InvitationView = Static<typeof InvitationView>;
export const InvitationList = T.Object({ items: T.Array(InvitationView) });
export const CreateInvitationRequest = Strict({
  email: T.String({ minLength: 3, maxLength: 254 }),
  role: Role,
});
export const CreatedInvitation = T.Object({
  invitation: InvitationView,
  url: T.String({ description: 'The invite link; shown once (only its hash is stored)' }),
  emailed: T.Boolean({ description: 'Whether an email was sent (SMTP configured)' }),
});
export type CreatedInvitation = Static<typeof CreatedInvitation>;
export const InvitationTokenRequest = Strict({ token: T.String({ minLength: 16, maxLength: 128 }) });
export const InvitationLookup = T.Object({
  organizationName: T.String(),
  email: T.String(),
  role: Role,
});
export type InvitationLookup = Static<typeof InvitationLookup>;
export const AcceptInvitationRequest = Strict({
  token: T.String({ minLength: 16, maxLength: 128 }),
  password: T.String({ minLength: 1, maxLength: 256 }),
  name: T.Optional(T.String({ maxLength: 200 })),
});

export const TeamPolicyInput = Strict({
  effect: T.Union([T.Literal('allow'), T.Literal('deny')]),
  action: literals([...AUTHZ_ACTIONS, '*'] as const),
  kind: literals([...RESOURCE_KINDS, '*'] as const),
  cloudIds: T.Optional(T.Array(Uuid, { maxItems: 100, description: 'Only resources of these clouds' })),
  tags: T.Optional(
    T.Record(T.String({ minLength: 1, maxLength: 128 }), T.String({ maxLength: 256 }), {
      description: 'Only resources carrying all these tags (an empty value matches any value)',
    }),
  ),
});
export type TeamPolicyInput = Static<typeof TeamPolicyInput>;
export const TeamPolicyView = T.Object({
  id: Uuid,
  effect: T.Union([T.Literal('allow'), T.Literal('deny')]),
  action: T.String(),
  kind: T.String(),
  cloudIds: T.Array(Uuid),
  tags: T.Record(T.String(), T.String()),
});
export const Team = T.Object(
  {
    id: Uuid,
    name: T.String(),
    description: T.String(),
    members: T.Array(T.Object({ userId: Uuid, email: T.String(), name: T.String() })),
    policies: T.Array(TeamPolicyView),
    createdAt: IsoDateTime,
  },
  { $id: 'Team' },
);
export type Team = Static<typeof Team>;
export const TeamList = T.Object({ items: T.Array(T.Ref(Team)) });
export const CreateTeamRequest = Strict({
  name: T.String({ minLength: 1, maxLength: 100 }),
  description: T.Optional(T.String({ maxLength: 500 })),
});
export const UpdateTeamRequest = Strict({
  name: T.Optional(T.String({ minLength: 1, maxLength: 100 })),
  description: T.Optional(T.String({ maxLength: 500 })),
});
export const SetTeamMembersRequest = Strict({ userIds: T.Array(Uuid, { maxItems: 1000 }) });
export const SetTeamPoliciesRequest = Strict({ policies: T.Array(TeamPolicyInput, { maxItems: 200 }) });

export const ApiTokenView = T.Object({
  id: Uuid,
  name: T.String(),
  prefix: T.String(),
  scope: T.Union([T.Literal('read'), T.Literal('full')]),
  organizationId: T.Union([T.Null(), Uuid], {
    description: 'The one organization the token works in; null: every organization of its user',
  }),
  expiresAt: T.Union([T.Null(), IsoDateTime]),
  lastUsedAt: T.Union([T.Null(), IsoDateTime]),
  lastUsedIp: T.Union([T.Null(), T.String()]),
  revokedAt: T.Union([T.Null(), IsoDateTime]),
  createdAt: IsoDateTime,
});
export type ApiTokenView = Static<typeof ApiTokenView>;
export const ApiTokenList = T.Object({ items: T.Array(ApiTokenView) });
export const CreateApiTokenRequest = Strict({
  name: T.String({ minLength: 1, maxLength: 100 }),
  scope: T.Union([T.Literal('read'), T.Literal('full')]),
  expiresInDays: T.Optional(
    T.Integer({ minimum: 1, maximum: 3650, description: 'Never expires when absent' }),
  ),
  allOrganizations: T.Optional(
    T.Boolean({
      description:
        'Work in every organization you belong to (requests name one with the X-Overcast-Organization header) instead of only this one',
    }),
  ),
});
export type CreateApiTokenRequest = Static<typeof CreateApiTokenRequest>;
export const CreatedApiTokenView = T.Object({
  token: T.String({ description: 'Shown once; only its hash is stored' }),
  apiToken: ApiTokenView,
});

export const SessionView = T.Object({
  id: Uuid,
  organizationId: Uuid,
  ip: T.String(),
  userAgent: T.String(),
  createdAt: IsoDateTime,
  lastSeenAt: IsoDateTime,
  expiresAt: IsoDateTime,
  current: T.Boolean(),
});
export type SessionView = Static<typeof SessionView>;
export const SessionList = T.Object({ items: T.Array(SessionView) });

export const AuditEventView = T.Object({
  id: T.String(),
  createdAt: IsoDateTime,
  actorUserId: T.Union([T.Null(), Uuid]),
  actorTokenId: T.Union([T.Null(), Uuid]),
  actorLabel: T.String(),
  action: T.String(),
  resourceKind: T.Union([T.Null(), T.String()]),
  resourceId: T.Union([T.Null(), T.String()]),
  resourceName: T.Union([T.Null(), T.String()], {
    description: "The resource's current name, or the one recorded with the event if it is gone",
  }),
  result: T.String(),
  ip: T.String(),
  userAgent: T.String(),
  requestId: T.String(),
  details: T.Record(T.String(), T.Unknown()),
});
export type AuditEventView = Static<typeof AuditEventView>;
const auditFilters = {
  user: T.Optional(Uuid),
  resource: T.Optional(T.String({ maxLength: 200, description: 'A resource id, or a kind such as machine' })),
  action: T.Optional(
    T.String({ maxLength: 100, description: 'An action, or a prefix ending in "." (machine.)' }),
  ),
  result: T.Optional(T.Union([T.Literal('success'), T.Literal('failure'), T.Literal('denied')])),
  from: T.Optional(IsoDateTime),
  to: T.Optional(IsoDateTime),
};
export const AuditQuery = Strict({
  ...auditFilters,
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 100 })),
  before: T.Optional(
    T.String({ pattern: '^[0-9]{1,19}$', description: 'Events older than this id (paging)' }),
  ),
});
export type AuditQuery = Static<typeof AuditQuery>;
export const AuditExportQuery = Strict({
  ...auditFilters,
  format: T.Union([T.Literal('csv'), T.Literal('jsonl')]),
});
export type AuditExportQuery = Static<typeof AuditExportQuery>;
export const AuditPage = T.Object({
  items: T.Array(AuditEventView),
  nextBefore: T.Union([T.Null(), T.String()]),
});
export type AuditPage = Static<typeof AuditPage>;

export const TotpEnrolment = T.Object({
  secret: T.String({ description: 'Base32, for typing into an app by hand' }),
  otpauthUrl: T.String({ description: 'Encode as a QR code for an authenticator app' }),
});
export const TotpCodeRequest = Strict({ code: T.String({ minLength: 6, maxLength: 32 }) });
export const RecoveryCodes = T.Object({ codes: T.Array(T.String(), { description: 'Shown once' }) });
export const TotpDisableRequest = Strict({ password: T.String({ minLength: 1, maxLength: 256 }) });
