import { type AuthContext, resolveApiToken, resolveSession } from '@overcast/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, AppDeps } from '../context';
import { forbidden, HttpError, unauthenticated } from '../http/errors';

export const SESSION_COOKIE = 'overcast_session';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(deps: AppDeps, request: FastifyRequest): Promise<AuthContext | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new HttpError(401, 'unauthenticated', 'The Authorization header must be "Bearer <token>".');
    const ctx = await resolveApiToken(deps.db, match[1]!, request.ip);
    if (!ctx) throw new HttpError(401, 'invalid_token', 'The API token is unknown, revoked or expired.');
    return ctx;
  }
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  return resolveSession(deps.db, unsigned.value);
}

/** Resolves request.auth for /api/v1 routes and refuses the ones that need a login. */
export function installAuth(app: App, deps: AppDeps): void {
  app.decorateRequest('auth', null);
  app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const mode = request.routeOptions.config.auth ?? 'required';
    request.auth = await authenticate(deps, request);
    if (mode === 'public') return;
    if (!request.auth) throw unauthenticated();
    if (request.auth.tokenScope === 'read' && !READ_METHODS.has(request.method)) {
      throw forbidden('This API token is read-only; use a token with full scope to make changes.');
    }
  });
}
