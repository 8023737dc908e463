import { ErrorBody, LoginRequest, Me } from '@overcast/contracts';
import { recordAudit } from '@overcast/core/audit';
import {
  accountOfEmail,
  checkSecondFactor,
  createSession,
  resolveSession,
  revokeSession,
  verifyCredentials,
} from '@overcast/core/auth';
import type { App, AppDeps } from '../context';
import { HttpError } from '../http/errors';
import { SESSION_COOKIE } from '../plugins/auth';
import { actorOf, meOf } from './shared';

export function authRoutes(app: App, deps: AppDeps): void {
  const { settings, db, box } = deps;
  const secureCookie = settings.publicUrl.startsWith('https://');

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password; sets the session cookie',
        body: LoginRequest,
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
      config: { auth: 'public' },
    },
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
          throw new HttpError(
            403,
            'no_organization',
            'This account belongs to no organization; ask an owner to invite you.',
          );
        }
        throw new HttpError(401, 'invalid_credentials', 'Wrong email or password.');
      }
      const second = await checkSecondFactor(db, box, attempts, verified.userId, otp);
      if (second !== 'ok') {
        if (second === 'wrong') {
          await recordAudit(
            db,
            {
              organizationId: verified.organizationId,
              userId: verified.userId,
              label: verified.email,
              ...base,
            },
            { action: 'auth.login', result: 'failure', details: { email, reason: 'invalid_totp' } },
          );
        }
        throw second === 'required'
          ? new HttpError(
              401,
              'totp_required',
              'Enter the 6-digit code from your authenticator app, or a recovery code.',
            )
          : new HttpError(
              401,
              'invalid_totp',
              'That code is not right; enter the current code from your app, or a recovery code.',
            );
      }
      const session = await createSession(db, {
        userId: verified.userId,
        organizationId: verified.organizationId,
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
      await recordAudit(
        db,
        { organizationId: verified.organizationId, userId: verified.userId, label: verified.email, ...base },
        { action: 'auth.login', resourceKind: 'session', resourceId: session.sessionId },
      );
      const me = await resolveSession(db, session.token);
      if (!me) throw new HttpError(500, 'internal', 'The new session could not be read back.');
      return meOf(me);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log out: ends the session and clears its cookie',
        response: { 204: {} },
      },
      config: { auth: 'public' },
    },
    async (request, reply) => {
      if (request.auth?.sessionId) {
        await revokeSession(db, request.auth.sessionId);
        await recordAudit(db, actorOf(request), {
          action: 'auth.logout',
          resourceKind: 'session',
          resourceId: request.auth.sessionId,
        });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}
