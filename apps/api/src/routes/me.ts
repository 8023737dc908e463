import {
  ApiTokenList,
  ChangePasswordRequest,
  CreateApiTokenRequest,
  CreatedApiTokenView,
  IdParams,
  Me,
  PasswordChanged,
  RecoveryCodes,
  SessionList,
  TotpCodeRequest,
  TotpDisableRequest,
  TotpEnrolment,
  UpdateProfileRequest,
} from '@overcast/contracts';
import { recordAudit } from '@overcast/core/audit';
import {
  apiTokenView,
  beginTotpEnrolment,
  changePassword,
  confirmTotpEnrolment,
  createApiToken,
  disableTotp,
  listApiTokens,
  listSessions,
  revokeAllSessions,
  revokeApiToken,
  revokeUserSession,
  updateProfile,
} from '@overcast/core/auth';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { meOf, userActorOf } from '../http/caller';
import { route } from '../http/route';
import { clearSessionCookie } from '../http/session';

/**
 * The caller's own account: profile, password, API tokens, sessions, two-factor login. Everything
 * here is the caller's own (core scopes each query to them), so a login is all it takes; tokens
 * cannot mint tokens or change the password or two-factor login.
 */
export const meRoutes: RoutePlugin = (app, deps) => {
  const { db, settings } = deps;

  app.get(
    '',
    route('Who is calling: user, organization and role', 'authenticated', { response: { 200: Me } }),
    async (request) => meOf(request.caller),
  );

  app.patch(
    '',
    route('Change your name', 'authenticated', { body: UpdateProfileRequest, response: { 200: Me } }),
    async (request) => {
      const name = await updateProfile(db, userActorOf(request), request.body);
      return meOf({ ...request.caller, name });
    },
  );

  app.post(
    '/password',
    route(
      'Change your password (needs the current one); your other sessions are logged out',
      { session: 'change your password' },
      { body: ChangePasswordRequest, response: { 200: PasswordChanged } },
    ),
    async (request) => {
      // The ended sessions' open terminals and live feeds must close too: publish their revocation here.
      const endedSessions = await changePassword(
        db,
        app.attempts,
        { ...userActorOf(request), sessionId: request.caller.sessionId },
        { ...request.body, minLength: settings.passwords.minLength },
      );
      return { endedSessions };
    },
  );

  app.get(
    '/tokens',
    route('Your API tokens (never the tokens themselves), with last use time and address', 'authenticated', {
      response: { 200: ApiTokenList },
    }),
    async (request) => ({ items: await listApiTokens(db, request.caller.userId) }),
  );

  app.post(
    '/tokens',
    route(
      'Create an API token for this organization, or for all of yours: read-only or full, optionally expiring; shown once',
      { session: 'create API tokens' },
      { body: CreateApiTokenRequest, response: { 201: CreatedApiTokenView } },
    ),
    async (request, reply) => {
      const auth = request.caller;
      const { name, scope, expiresInDays, allOrganizations } = request.body;
      const created = await createApiToken(db, {
        organizationId: allOrganizations ? null : auth.organizationId,
        userId: auth.userId,
        name: name.trim() || 'token',
        scope,
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
      });
      await recordAudit(db, userActorOf(request), {
        action: 'token.create',
        resourceKind: 'api_token',
        resourceId: created.id,
        details: {
          name,
          scope,
          expiresInDays: expiresInDays ?? null,
          allOrganizations: Boolean(allOrganizations),
        },
      });
      const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
      return reply.status(201).send({ token: created.token, apiToken: apiTokenView(row) });
    },
  );

  app.delete(
    '/tokens/:id',
    route('Revoke one of your API tokens; it stops working at once', 'authenticated', {
      params: IdParams,
      response: { 204: T.Null() },
    }),
    async (request, reply) => {
      await revokeApiToken(db, userActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/sessions',
    route('Where you are logged in: address, browser, last seen', 'authenticated', {
      response: { 200: SessionList },
    }),
    async (request) => ({ items: await listSessions(db, request.caller.userId, request.caller.sessionId) }),
  );

  app.delete(
    '/sessions/:id',
    route('Log out one of your sessions', 'authenticated', { params: IdParams, response: { 204: T.Null() } }),
    async (request, reply) => {
      await revokeUserSession(db, userActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/sessions/revoke-all',
    route('Log out everywhere: every session of yours ends, this one included', 'authenticated', {
      response: { 200: T.Object({ revoked: T.Integer() }) },
    }),
    async (request, reply) => {
      const revoked = await revokeAllSessions(db, userActorOf(request));
      clearSessionCookie(reply);
      return { revoked };
    },
  );

  app.post(
    '/totp',
    route(
      'Start two-factor enrolment: a secret and an otpauth:// URL for the QR code',
      { session: 'set up two-factor login' },
      { response: { 200: TotpEnrolment } },
    ),
    async (request) => beginTotpEnrolment(deps, request.caller),
  );

  app.post(
    '/totp/confirm',
    route(
      'Finish enrolment with a code from the app; returns recovery codes, shown once',
      { session: 'set up two-factor login' },
      { body: TotpCodeRequest, response: { 200: RecoveryCodes } },
    ),
    async (request) => ({
      codes: await confirmTotpEnrolment(deps, userActorOf(request), request.body.code),
    }),
  );

  app.post(
    '/totp/disable',
    route(
      'Turn two-factor login off (needs your password)',
      { session: 'turn off two-factor login' },
      { body: TotpDisableRequest, response: { 204: T.Null() } },
    ),
    async (request, reply) => {
      await disableTotp(db, app.attempts, userActorOf(request), request.body.password);
      return reply.status(204).send(null);
    },
  );
};
