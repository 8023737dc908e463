import {
  AcceptInvitationRequest,
  CreatedInvitation,
  CreateInvitationRequest,
  CreateOrganizationRequest,
  CreateTeamRequest,
  IdParams,
  InvitationList,
  InvitationLookup,
  InvitationTokenRequest,
  Me,
  MemberList,
  OrganizationList,
  OrganizationMembership,
  SetTeamMembersRequest,
  SetTeamPoliciesRequest,
  SwitchOrganizationRequest,
  Team,
  TeamList,
  type TeamPolicyInput,
  UpdateMemberRequest,
  UpdateTeamRequest,
  UserIdParams,
} from '@overcast/contracts';
import { createSession, resolveSession } from '@overcast/core/auth';
import {
  acceptInvitation,
  createInvitation,
  createOrganization,
  createTeam,
  deleteTeam,
  getTeam,
  invitationView,
  listInvitations,
  listMembers,
  listOrganizations,
  listTeams,
  lookupInvitation,
  removeMember,
  revokeInvitation,
  setMemberRole,
  setTeamMembers,
  setTeamPolicies,
  switchOrganization,
  updateTeam,
} from '@overcast/core/orgs';
import { mailEnabled, sendMail } from '@overcast/runtime';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { HttpError } from '../http/errors';
import { SESSION_COOKIE } from '../plugins/auth';
import { actorOf, authOf, ERROR_RESPONSES, meOf, orgActorOf, requireRole } from './shared';

const errors = ERROR_RESPONSES;

/** Organizations, their members and invitations, and teams with their policies. Managed by admins. */
export function organizationRoutes(app: App, deps: AppDeps): void {
  const { db, settings, logger } = deps;
  const secureCookie = settings.publicUrl.startsWith('https://');

  app.get(
    '/api/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'The organizations the caller belongs to, with their role in each',
        response: { 200: OrganizationList, ...errors },
      },
    },
    async (request) => listOrganizations(db, authOf(request).userId),
  );

  app.post(
    '/api/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Create an organization; the caller becomes its owner',
        body: CreateOrganizationRequest,
        response: { 201: OrganizationMembership, ...errors },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const org = await createOrganization(
        db,
        { ...actorOf(request), userId: auth.userId },
        request.body.name,
      );
      return reply.status(201).send({ ...org, role: 'owner' as const });
    },
  );

  app.post(
    '/api/v1/auth/switch',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Move this browser session to another organization the caller belongs to',
        body: SwitchOrganizationRequest,
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const auth = authOf(request);
      if (!auth.sessionId) {
        throw new HttpError(
          400,
          'session_only',
          'An API token belongs to one organization; create one there instead.',
        );
      }
      await switchOrganization(
        db,
        { ...orgActorOf(request), userId: auth.userId },
        auth.sessionId,
        request.body.organizationId,
      );
      const raw = request.unsignCookie(request.cookies[SESSION_COOKIE] ?? '');
      const me = raw.valid && raw.value ? await resolveSession(db, raw.value) : null;
      if (!me) throw new HttpError(401, 'unauthenticated', 'Your session ended; log in again.');
      return meOf(me);
    },
  );

  app.get(
    '/api/v1/members',
    {
      schema: {
        tags: ['organizations'],
        summary: "The organization's members, their roles and teams",
        response: { 200: MemberList, ...errors },
      },
    },
    async (request) => ({ items: await listMembers(db, authOf(request).organizationId) }),
  );

  app.patch(
    '/api/v1/members/:userId',
    {
      schema: {
        tags: ['organizations'],
        summary: "Change a member's role (owners alone make or unmake owners; the last owner stays)",
        params: UserIdParams,
        body: UpdateMemberRequest,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const auth = requireRole(request, 'admin', 'change roles');
      await setMemberRole(
        db,
        { ...orgActorOf(request), role: auth.role },
        request.params.userId,
        request.body.role,
      );
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/members/:userId',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Remove a member: their sessions and API tokens in this organization stop working',
        params: UserIdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const auth = requireRole(request, 'admin', 'remove members');
      await removeMember(db, { ...orgActorOf(request), role: auth.role }, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/invitations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Invitations, pending and accepted',
        response: { 200: InvitationList, ...errors },
      },
    },
    async (request) => {
      const auth = requireRole(request, 'admin', 'see invitations');
      return { items: await listInvitations(db, auth.organizationId) };
    },
  );

  app.post(
    '/api/v1/invitations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Invite someone by email: returns the invite link once, and emails it when SMTP is set',
        body: CreateInvitationRequest,
        response: { 201: CreatedInvitation, ...errors },
      },
    },
    async (request, reply) => {
      const auth = requireRole(request, 'admin', 'invite people');
      const { invitation, token } = await createInvitation(
        db,
        { ...orgActorOf(request), role: auth.role },
        request.body,
      );
      const url = `${settings.publicUrl.replace(/\/+$/, '')}/invite?token=${encodeURIComponent(token)}`;
      let emailed = false;
      if (mailEnabled(settings)) {
        try {
          await sendMail(settings.smtp, {
            to: invitation.email,
            subject: `You are invited to ${auth.organizationName} on Overcast`,
            text: `${auth.email} invited you to join ${auth.organizationName} on Overcast as ${invitation.role}.\n\nAccept within 7 days: ${url}\n`,
          });
          emailed = true;
        } catch (err) {
          // The link is still shown to the inviter, who can pass it on by hand.
          logger.warn({ err: (err as Error).message }, 'invitation email failed');
        }
      }
      return reply.status(201).send({ invitation: invitationView(invitation), url, emailed });
    },
  );

  app.delete(
    '/api/v1/invitations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Withdraw a pending invitation; its link stops working',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin', 'withdraw invitations');
      await revokeInvitation(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // Invite links are guessable secrets too: an address gets as many tries as at the login.
  const limitInviteLinks = (ip: string) =>
    app.attempts.hit(`invite:${ip}`, settings.login.maxAttempts, settings.login.windowSeconds);

  // A POST, so the token never sits in a URL that proxies and request logs keep.
  app.post(
    '/api/v1/invitations/lookup',
    {
      schema: {
        tags: ['organizations'],
        summary: 'What an invite link is for (organization, email, role), before accepting it',
        body: InvitationTokenRequest,
        response: { 200: InvitationLookup, ...errors, 429: errors[400] },
      },
      config: { auth: 'public' },
    },
    async (request) => {
      await limitInviteLinks(request.ip);
      return lookupInvitation(db, request.body.token);
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      schema: {
        tags: ['organizations'],
        summary:
          'Accept an invitation: with the existing account’s password, or a new password for a new account; logs in',
        body: AcceptInvitationRequest,
        response: { 200: Me, ...errors, 429: errors[400] },
      },
      config: { auth: 'public' },
    },
    async (request, reply) => {
      await limitInviteLinks(request.ip);
      const joined = await acceptInvitation(
        db,
        app.attempts,
        { ip: request.ip, userAgent: request.headers['user-agent'], requestId: request.id },
        { ...request.body, minPasswordLength: settings.passwords.minLength },
      );
      const session = await createSession(db, {
        userId: joined.userId,
        organizationId: joined.organizationId,
        ttlHours: settings.session.ttlHours,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        signed: true,
        expires: session.expiresAt,
      });
      const me = await resolveSession(db, session.token);
      if (!me) throw new HttpError(500, 'internal', 'The new session could not be read back.');
      return meOf(me);
    },
  );

  app.addSchema(Team);

  app.get(
    '/api/v1/teams',
    {
      schema: {
        tags: ['teams'],
        summary: 'Teams with their members and policies',
        response: { 200: TeamList, ...errors },
      },
    },
    async (request) => ({ items: await listTeams(db, authOf(request).organizationId) }),
  );

  app.post(
    '/api/v1/teams',
    {
      schema: {
        tags: ['teams'],
        summary: 'Create a team',
        body: CreateTeamRequest,
        response: { 201: T.Ref(Team), ...errors },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin', 'create teams');
      return reply.status(201).send(await createTeam(db, orgActorOf(request), request.body));
    },
  );

  app.get(
    '/api/v1/teams/:id',
    {
      schema: {
        tags: ['teams'],
        summary: 'One team',
        params: IdParams,
        response: { 200: T.Ref(Team), ...errors },
      },
    },
    async (request) => getTeam(db, authOf(request).organizationId, request.params.id),
  );

  app.patch(
    '/api/v1/teams/:id',
    {
      schema: {
        tags: ['teams'],
        summary: 'Rename a team or change its description',
        params: IdParams,
        body: UpdateTeamRequest,
        response: { 200: T.Ref(Team), ...errors },
      },
    },
    async (request) => {
      requireRole(request, 'admin', 'change teams');
      return updateTeam(db, orgActorOf(request), request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/teams/:id',
    {
      schema: {
        tags: ['teams'],
        summary: 'Delete a team; its members keep their role, and lose its policies',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin', 'delete teams');
      await deleteTeam(db, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/teams/:id/members',
    {
      schema: {
        tags: ['teams'],
        summary: "Replace a team's members",
        params: IdParams,
        body: SetTeamMembersRequest,
        response: { 200: T.Ref(Team), ...errors },
      },
    },
    async (request) => {
      requireRole(request, 'admin', 'change team members');
      return setTeamMembers(db, orgActorOf(request), request.params.id, request.body.userIds);
    },
  );

  app.put(
    '/api/v1/teams/:id/policies',
    {
      schema: {
        tags: ['teams'],
        summary:
          "Replace a team's policies: allow or deny an action on a kind of resource, optionally only in some clouds or for some tags",
        params: IdParams,
        body: SetTeamPoliciesRequest,
        response: { 200: T.Ref(Team), ...errors },
      },
    },
    async (request) => {
      requireRole(request, 'admin', 'change team policies');
      // The kind and action enums are validated by the schema; the type provider sees them as unknown.
      const policies = request.body.policies as TeamPolicyInput[];
      return setTeamPolicies(db, orgActorOf(request), request.params.id, policies);
    },
  );
}
