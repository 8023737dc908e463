import {
  AcceptInvitationRequest,
  CreatedInvitation,
  CreateInvitationRequest,
  IdParams,
  InvitationList,
  InvitationLookup,
  InvitationTokenRequest,
  Me,
} from '@overcast/contracts';
import {
  acceptInvitation,
  createInvitation,
  emailInvitation,
  invitationView,
  listInvitations,
  lookupInvitation,
  revokeInvitation,
} from '@overcast/core/orgs';
import type { RoutePlugin } from '../context';
import { adminsCan } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { NoContent, noContent } from '../http/reply';
import { route } from '../http/route';
import { startSession } from '../http/session';

/** Invitations: admins send and withdraw them; the link's holder looks one up and accepts it. */
export const invitationRoutes: RoutePlugin = (app, deps) => {
  const { db, settings } = deps;

  app.get(
    '',
    route('Invitations, pending and accepted', adminsCan('see invitations'), {
      response: { 200: InvitationList },
    }),
    async (request) => ({ items: await listInvitations(db, request.caller.organizationId) }),
  );

  app.post(
    '',
    route(
      'Invite someone by email: returns the invite link once, and emails it when SMTP is set',
      adminsCan('invite people'),
      { body: CreateInvitationRequest, response: { 201: CreatedInvitation } },
    ),
    async (request, reply) => {
      const auth = request.caller;
      const { invitation, token } = await createInvitation(
        db,
        { ...orgActorOf(request), role: auth.role },
        request.body,
      );
      const url = `${settings.publicUrl.replace(/\/+$/, '')}/invite?token=${encodeURIComponent(token)}`;
      const emailed = await emailInvitation(deps, {
        to: invitation.email,
        role: invitation.role,
        url,
        inviterEmail: auth.email,
        organizationName: auth.organizationName,
      });
      return reply.status(201).send({ invitation: invitationView(invitation), url, emailed });
    },
  );

  app.delete(
    '/:id',
    route('Withdraw a pending invitation; its link stops working', adminsCan('withdraw invitations'), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) => noContent(reply, revokeInvitation(db, orgActorOf(request), request.params.id)),
  );

  // Invite links are guessable secrets too: an address gets as many tries as at the login.
  const limitInviteLinks = (ip: string) =>
    app.attempts.hit(`invite:${ip}`, settings.login.maxAttempts, settings.login.windowSeconds);

  // A POST, so the token never sits in a URL that proxies and request logs keep.
  // The link itself is the credential.
  app.post(
    '/lookup',
    route('What an invite link is for (organization, email, role), before accepting it', 'public', {
      body: InvitationTokenRequest,
      response: { 200: InvitationLookup },
    }),
    async (request) => {
      await limitInviteLinks(request.ip);
      return lookupInvitation(db, request.body.token);
    },
  );

  app.post(
    '/accept',
    route(
      'Accept an invitation: with the existing account’s password, or a new password for a new account; logs in',
      'public',
      { body: AcceptInvitationRequest, response: { 200: Me } },
    ),
    async (request, reply) => {
      await limitInviteLinks(request.ip);
      const joined = await acceptInvitation(
        db,
        app.attempts,
        { ip: request.ip, userAgent: request.headers['user-agent'], requestId: request.id },
        { ...request.body, minPasswordLength: settings.passwords.minLength },
      );
      return (await startSession(deps, request, reply, joined)).me;
    },
  );
};
