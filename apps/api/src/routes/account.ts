import { Readable } from 'node:stream';
import {
  ApiTokenList,
  AuditExportQuery,
  AuditPage,
  AuditQuery,
  ChangePasswordRequest,
  CreateApiTokenRequest,
  CreatedApiTokenView,
  ErrorBody,
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
import { exportAudit, queryAudit, recordAudit } from '@overcast/core/audit';
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
  roleAtLeast,
  updateProfile,
} from '@overcast/core/auth';
import { Type as T } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { App, AppDeps } from '../context';
import { forbidden } from '../http/errors';
import { SESSION_COOKIE } from '../plugins/auth';
import { authOf, ERROR_RESPONSES, meOf, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;

/** The caller as an actor that is certainly a user (every logged-in caller is). */
const userActor = (request: FastifyRequest) => ({ ...orgActorOf(request), userId: authOf(request).userId });

/** Tokens, sessions and two-factor are the caller's own; a token cannot mint tokens or change 2FA. */
function sessionOnly(request: FastifyRequest, doing: string) {
  const auth = authOf(request);
  if (auth.via !== 'session')
    throw forbidden(`Log in with a browser session to ${doing}; API tokens cannot.`);
  return auth;
}

export function accountRoutes(app: App, deps: AppDeps): void {
  const { db, box, settings } = deps;

  app.patch(
    '/api/v1/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Change your name',
        body: UpdateProfileRequest,
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const name = await updateProfile(db, userActor(request), request.body);
      return meOf({ ...authOf(request), name });
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['account'],
        summary: 'Change your password (needs the current one); your other sessions are logged out',
        body: ChangePasswordRequest,
        response: { 200: PasswordChanged, ...errors, 429: ErrorBody },
      },
    },
    async (request) => {
      const auth = sessionOnly(request, 'change your password');
      // The ended sessions' open terminals and live feeds must close too: publish their revocation here.
      const endedSessions = await changePassword(
        db,
        app.attempts,
        { ...userActor(request), sessionId: auth.sessionId },
        { ...request.body, minLength: settings.passwords.minLength },
      );
      return { endedSessions };
    },
  );

  app.get(
    '/api/v1/me/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'Your API tokens (never the tokens themselves), with last use time and address',
        response: { 200: ApiTokenList, ...errors },
      },
    },
    async (request) => ({ items: await listApiTokens(db, authOf(request).userId) }),
  );

  app.post(
    '/api/v1/me/tokens',
    {
      schema: {
        tags: ['account'],
        summary:
          'Create an API token for this organization, or for all of yours: read-only or full, optionally expiring; shown once',
        body: CreateApiTokenRequest,
        response: { 201: CreatedApiTokenView, ...errors },
      },
    },
    async (request, reply) => {
      const auth = sessionOnly(request, 'create API tokens');
      const { name, scope, expiresInDays, allOrganizations } = request.body;
      const created = await createApiToken(db, {
        organizationId: allOrganizations ? null : auth.organizationId,
        userId: auth.userId,
        name: name.trim() || 'token',
        scope,
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
      });
      await recordAudit(db, userActor(request), {
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
    '/api/v1/me/tokens/:id',
    {
      schema: {
        tags: ['account'],
        summary: 'Revoke one of your API tokens; it stops working at once',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await revokeApiToken(db, userActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/sessions',
    {
      schema: {
        tags: ['account'],
        summary: 'Where you are logged in: address, browser, last seen',
        response: { 200: SessionList, ...errors },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return { items: await listSessions(db, auth.userId, auth.sessionId) };
    },
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      schema: {
        tags: ['account'],
        summary: 'Log out one of your sessions',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await revokeUserSession(db, userActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/sessions/revoke-all',
    {
      schema: {
        tags: ['account'],
        summary: 'Log out everywhere: every session of yours ends, this one included',
        response: { 200: T.Object({ revoked: T.Integer() }), ...errors },
      },
    },
    async (request, reply) => {
      const revoked = await revokeAllSessions(db, userActor(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { revoked };
    },
  );

  app.post(
    '/api/v1/me/totp',
    {
      schema: {
        tags: ['account'],
        summary: 'Start two-factor enrolment: a secret and an otpauth:// URL for the QR code',
        response: { 200: TotpEnrolment, ...errors },
      },
    },
    async (request) => {
      const auth = sessionOnly(request, 'set up two-factor login');
      return beginTotpEnrolment(db, box, auth);
    },
  );

  app.post(
    '/api/v1/me/totp/confirm',
    {
      schema: {
        tags: ['account'],
        summary: 'Finish enrolment with a code from the app; returns recovery codes, shown once',
        body: TotpCodeRequest,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    async (request) => {
      sessionOnly(request, 'set up two-factor login');
      return { codes: await confirmTotpEnrolment(db, box, userActor(request), request.body.code) };
    },
  );

  app.post(
    '/api/v1/me/totp/disable',
    {
      schema: {
        tags: ['account'],
        summary: 'Turn two-factor login off (needs your password)',
        body: TotpDisableRequest,
        response: { 204: T.Null(), ...errors, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      sessionOnly(request, 'turn off two-factor login');
      await disableTotp(db, app.attempts, userActor(request), request.body.password);
      return reply.status(204).send(null);
    },
  );

  const readerOf = (request: FastifyRequest) => {
    const auth = authOf(request);
    return { organizationId: auth.organizationId, userId: auth.userId, all: roleAtLeast(auth.role, 'admin') };
  };

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit log, newest first: admins see the organization, others their own actions. Filter by user, resource, action, result, time',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors },
      },
    },
    async (request) => queryAudit(db, readerOf(request), request.query),
  );

  app.get(
    '/api/v1/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'Export the matching audit events, oldest first, as CSV or JSON lines',
        querystring: AuditExportQuery,
        response: { 200: T.String({ description: 'text/csv or application/x-ndjson' }), ...errors },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const stamp = new Date().toISOString().slice(0, 10);
      return (
        reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header(
            'content-disposition',
            `attachment; filename="overcast-audit-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}"`,
          )
          // A stream of text; the schema above describes its content for the OpenAPI document.
          .send(Readable.from(exportAudit(db, readerOf(request), request.query)) as never)
      );
    },
  );
}
