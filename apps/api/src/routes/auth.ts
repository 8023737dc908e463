import { LoginRequest, Me, SwitchOrganizationRequest } from '@overcast/contracts';
import { recordAudit } from '@overcast/core/audit';
import { accountOfEmail, checkSecondFactor, revokeSession, verifyCredentials } from '@overcast/core/auth';
import { DomainError } from '@overcast/core/errors';
import { switchOrganization } from '@overcast/core/orgs';
import type { RoutePlugin } from '../context';
import { actorOf, orgActorOf } from '../http/caller';
import { route } from '../http/route';
import { clearSessionCookie, currentMe, startSession } from '../http/session';

/** Logging in and out, and moving a browser session to another organization. */
export const authRoutes: RoutePlugin = (app, deps) => {
  const { settings, db } = deps;

  app.post(
    '/login',
    route('Log in with email and password; sets the session cookie', 'public', {
      body: LoginRequest,
      response: { 200: Me },
    }),
    async (request, reply) => {
      const { email, password, otp } = request.body;
      const { attempts } = app;
      await attempts.hit(`login:${request.ip}`, settings.login.maxAttempts, settings.login.windowSeconds);
      const verified = await verifyCredentials(db, attempts, { email, password });
      const base = { ip: request.ip, userAgent: request.headers['user-agent'], requestId: request.id };
      if (!verified?.organizationId) {
        const account = verified ?? (await accountOfEmail(db, email));
        await recordAudit(
          db,
          {
            organizationId: account?.organizationId ?? null,
            userId: account?.userId ?? null,
            label: email,
            ...base,
          },
          {
            action: 'auth.login',
            result: 'failure',
            details: { email, reason: verified ? 'no_organization' : 'invalid_credentials' },
          },
        );
        if (verified) {
          throw new DomainError(
            'forbidden',
            'no_organization',
            'This account belongs to no organization; ask an owner to invite you.',
          );
        }
        throw new DomainError('unauthenticated', 'invalid_credentials', 'Wrong email or password.');
      }
      const who = { organizationId: verified.organizationId, userId: verified.userId, label: verified.email };
      const second = await checkSecondFactor(deps, attempts, verified.userId, otp);
      if (second !== 'ok') {
        if (second === 'wrong') {
          await recordAudit(
            db,
            { ...who, ...base },
            { action: 'auth.login', result: 'failure', details: { email, reason: 'invalid_totp' } },
          );
        }
        throw second === 'required'
          ? new DomainError(
              'unauthenticated',
              'totp_required',
              'Enter the 6-digit code from your authenticator app, or a recovery code.',
            )
          : new DomainError(
              'unauthenticated',
              'invalid_totp',
              'That code is not right; enter the current code from your app, or a recovery code.',
            );
      }
      const { me, sessionId } = await startSession(deps, request, reply, who);
      await recordAudit(
        db,
        { ...who, ...base },
        { action: 'auth.login', resourceKind: 'session', resourceId: sessionId },
      );
      return me;
    },
  );

  // Anyone may clear their cookie, even one whose session already ended.
  app.post(
    '/logout',
    route('Log out: ends the session and clears its cookie', 'public', { response: { 204: {} } }),
    async (request, reply) => {
      if (request.auth?.sessionId) {
        await revokeSession(db, request.auth.sessionId);
        await recordAudit(db, actorOf(request), {
          action: 'auth.logout',
          resourceKind: 'session',
          resourceId: request.auth.sessionId,
        });
      }
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  // switchOrganization checks the caller belongs to the organization asked for.
  app.post(
    '/switch',
    route('Move this browser session to another organization the caller belongs to', 'authenticated', {
      tags: ['organizations'],
      body: SwitchOrganizationRequest,
      response: { 200: Me },
    }),
    async (request) => {
      const auth = request.caller;
      if (!auth.sessionId) {
        throw new DomainError(
          'invalid',
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
      return currentMe(deps, request);
    },
  );
};
